import { type DataType, type Decimal, Field, Schema, type Timestamp, Type } from "apache-arrow";
import { HyggeError } from "../errors.js";
import { holds } from "../schema/widen.js";
import { extensionName } from "./extension.js";
import { typeNameOf } from "./type-names.js";

/** One file's schema, named for messages. */
export interface NamedSchema {
  schema: Schema;
  /** How the file is named in errors (its URL). */
  url: string;
}

interface Column {
  field: Field;
  /** The file whose type the column has now (the first file, or the one that widened it). */
  url: string;
  /** Files that have the column. */
  files: number;
  nullable: boolean;
}

/**
 * The schema of files read as one table, by column name (DuckDB's `union_by_name`): the first
 * file's columns in order, then columns first seen in later files in order of appearance. A column
 * missing from a file reads as null; a column whose type differs reads as the type that holds the
 * other (`holds`: int32 → int64, float32 → float64, a larger decimal, a finer timestamp unit in the
 * same zone, string → large string); any other pair is SCHEMA_MISMATCH naming both files. A column
 * is nullable when it is nullable in any file or missing from any. Field metadata (uuid, json) is
 * the first file's. With one schema, or identical ones, the first schema itself is returned.
 */
export function unifySchemas(files: readonly NamedSchema[], plugin?: string): Schema | undefined {
  const first = files[0];
  if (!first) return undefined;
  if (files.every((f) => f.schema === first.schema || sameFields(f.schema, first.schema)))
    return first.schema;
  const columns = new Map<string, Column>();
  const order: string[] = [];
  for (const { schema, url } of files) {
    const seen = new Set<string>();
    const conflicts: string[] = [];
    for (const field of schema.fields) {
      if (seen.has(field.name))
        throw new HyggeError("SCHEMA_MISMATCH", `${url} has two columns named "${field.name}"`, {
          plugin,
          subject: url,
          hint: "files read as one table are matched by column name: rename or drop the duplicate",
        });
      seen.add(field.name);
      const column = columns.get(field.name);
      if (!column) {
        columns.set(field.name, { field, url, files: 1, nullable: field.nullable });
        order.push(field.name);
        continue;
      }
      column.files++;
      column.nullable ||= field.nullable;
      const wider = widerOf(column.field, field);
      if (!wider) conflicts.push(conflict(field.name, column, field, url));
      else if (wider === field) {
        column.field = new Field(field.name, field.type, column.field.nullable, column.field.metadata);
        column.url = url;
      }
    }
    if (conflicts.length > 0)
      throw new HyggeError("SCHEMA_MISMATCH", conflicts.join("; "), { plugin, subject: url, hint: HINT });
  }
  const fields = order.map((name) => {
    const c = columns.get(name)!;
    const nullable = c.nullable || c.files < files.length;
    return new Field(name, c.field.type, nullable, c.field.metadata);
  });
  return new Schema(fields, first.schema.metadata);
}

/** Same names in the same order, same types, nullability and metadata. */
export function sameFields(a: Schema, b: Schema): boolean {
  if (a.fields.length !== b.fields.length) return false;
  return a.fields.every((f, i) => {
    const g = b.fields[i]!;
    return f.name === g.name && f.nullable === g.nullable && sameType(f.type, g.type) && sameMetadata(f, g);
  });
}

/** The same Arrow type (decimals of one precision and scale in 128 or 256 bits are not). */
export function sameType(a: DataType, b: DataType): boolean {
  if (a === b) return true;
  if (a.typeId !== b.typeId || String(a) !== String(b)) return false;
  if (a.typeId === Type.Decimal) return (a as Decimal).bitWidth === (b as Decimal).bitWidth;
  return true;
}

function sameMetadata(a: Field, b: Field): boolean {
  if (a.metadata.size !== b.metadata.size) return false;
  for (const [k, v] of a.metadata) if (b.metadata.get(k) !== v) return false;
  return true;
}

/** The field whose type holds the other's, or undefined when neither does. */
function widerOf(a: Field, b: Field): Field | undefined {
  if (extensionName(a) !== extensionName(b)) return undefined; // a uuid is not any 16 bytes
  if (sameType(a.type, b.type) || holds(a.type, b.type)) return a;
  if (holds(b.type, a.type)) return b;
  return undefined;
}

const HINT =
  "files of one entity are read as one table by column name: columns may be added or missing, and types may widen (int32 → int64, float32 → float64, a larger decimal, a finer timestamp unit); move the odd file elsewhere, rewrite it with a common type, or select common `columns`";

/** Why `field` of the file at `url` cannot share `column` (both files, the column, both types). */
function conflict(name: string, column: Column, field: Field, url: string): string {
  const was = describeType(column.field, field);
  const is = describeType(field, column.field);
  const zones =
    column.field.type.typeId === Type.Timestamp &&
    field.type.typeId === Type.Timestamp &&
    !(column.field.type as Timestamp).timezone !== !(field.type as Timestamp).timezone
      ? " (a timestamp with a zone is an instant, one without is a wall-clock time)"
      : "";
  return `column "${name}" is ${is} in ${url} but ${was} in ${column.url}, and neither type holds every value of the other${zones}`;
}

/** A field's type name; the Arrow type too when the other field's name reads the same. */
function describeType(field: Field, other: Field): string {
  const name = typeNameOf(field);
  return name === typeNameOf(other) ? `${name} (${String(field.type)})` : name;
}
