import type { Field, Schema } from "apache-arrow";

/** A human description of how two schemas differ, or undefined when they match. */
export function schemaDifference(expected: Schema, actual: Schema): string | undefined {
  const a = new Map(expected.fields.map((f) => [f.name, String(f.type)]));
  const b = new Map(actual.fields.map((f) => [f.name, String(f.type)]));
  const parts: string[] = [];
  for (const [name, type] of a) {
    if (!b.has(name)) parts.push(`column "${name}" (${type}) is missing`);
    else if (b.get(name) !== type) parts.push(`column "${name}" is ${b.get(name)} instead of ${type}`);
  }
  for (const [name, type] of b) if (!a.has(name)) parts.push(`column "${name}" (${type}) is new`);
  if (
    parts.length === 0 &&
    expected.fields.map((f) => f.name).join() !== actual.fields.map((f) => f.name).join()
  ) {
    parts.push("columns are in a different order");
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** A stable fingerprint of a schema (names, types, nullability), for the journal. */
export function schemaFingerprint(schema: Schema): string {
  return schema.fields.map((f) => `${f.name}:${String(f.type)}${f.nullable ? "?" : ""}`).join(",");
}

function metadataText(metadata: Map<string, string>): string {
  return JSON.stringify([...metadata].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** How field `actual` differs from `expected` at any depth (type, nullability, metadata, children), or undefined. */
function fieldDifference(expected: Field, actual: Field, path: string): string | undefined {
  if (expected.name !== actual.name) return `${path} is named "${actual.name}" instead of "${expected.name}"`;
  if (String(expected.type) !== String(actual.type) || expected.typeId !== actual.typeId)
    return `${path} is ${String(actual.type)} instead of ${String(expected.type)}`;
  if (expected.nullable !== actual.nullable)
    return `${path} is ${actual.nullable ? "nullable" : "required"} instead of ${expected.nullable ? "nullable" : "required"}`;
  if (metadataText(expected.metadata) !== metadataText(actual.metadata))
    return `${path} has metadata ${metadataText(actual.metadata)} instead of ${metadataText(expected.metadata)}`;
  const a = expected.type.children ?? [];
  const b = actual.type.children ?? [];
  if (a.length !== b.length) return `${path} has ${b.length} children instead of ${a.length}`;
  for (let i = 0; i < a.length; i++) {
    const d = fieldDifference(a[i]!, b[i]!, `${path}.${a[i]!.name}`);
    if (d) return d;
  }
  return undefined;
}

/**
 * The first way `actual` differs from `expected`, field by field at every depth: names and order,
 * types, nullability, field metadata (extension types), or undefined when they are the same.
 */
export function exactSchemaDifference(expected: Schema, actual: Schema): string | undefined {
  if (expected.fields.length !== actual.fields.length)
    return `${actual.fields.length} columns instead of ${expected.fields.length}`;
  for (let i = 0; i < expected.fields.length; i++) {
    const e = expected.fields[i]!;
    const d = fieldDifference(e, actual.fields[i]!, `column "${e.name}"`);
    if (d) return d;
  }
  return undefined;
}
