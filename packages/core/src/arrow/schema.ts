import type { Schema } from "apache-arrow";

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
