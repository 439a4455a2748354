/** Deep merge of plain objects; arrays and scalars from later sources replace earlier ones. */
export function deepMerge<T extends Record<string, unknown>>(
  ...sources: (Record<string, unknown> | undefined)[]
): T {
  const out: Record<string, unknown> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const [key, value] of Object.entries(source)) {
      const prev = out[key];
      out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : clone(value);
    }
  }
  return out as T;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  // Realm-independent: a plain object's prototype is null or a prototype whose own prototype is null.
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) return deepMerge(value);
  return value;
}
