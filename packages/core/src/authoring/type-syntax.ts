import { type DataType, type Field, Schema } from "apache-arrow";
import { fieldFromTypeName, TYPE_NAME_HINT } from "../arrow/type-names.js";
import { HyggeError } from "../errors.js";

/**
 * hygge's type names (the syntax of `columns:` in configs and of `hygge debug`), as Arrow types,
 * and a one-line schema syntax built on them: `"id int64 not null, amount decimal(18, 2), at
 * timestamp[us, UTC]"`. Names are those of `typeNameOf()`, so a schema printed is a schema parsed.
 */

/** An Arrow type, and the field metadata that declares an extension type (uuid, json); empty otherwise. */
export interface ParsedType {
  type: DataType;
  metadata: Map<string, string>;
}

/** `decimal(18,2)`, `timestamp[us, UTC]`, `list<int64>`, `uuid`… → the Arrow type (and metadata). */
export function parseTypeName(typeName: string): ParsedType {
  const field = parseField("value", typeName);
  return { type: field.type, metadata: new Map(field.metadata) };
}

/** The field `name` of type `typeName` (nullable unless told); uuid and json carry their extension. */
export function parseField(name: string, typeName: string, options: { nullable?: boolean } = {}): Field {
  try {
    return fieldFromTypeName(name, typeName, options.nullable ?? true);
  } catch (error) {
    throw new HyggeError("CONFIG_INVALID", `column ${name}: ${(error as Error).message}`, {
      hint: hintFor(typeName),
      subject: name,
      cause: error,
    });
  }
}

function hintFor(typeName: string): string {
  // `timestamp(us, UTC)` is a common spelling elsewhere (SQL, Arrow's C++ ToString); ours has brackets.
  const m = /^\s*(timestamp|time)\s*\((.*)\)\s*$/i.exec(typeName);
  if (m) return `write ${m[1]!.toLowerCase()}[${m[2]!.trim()}]: units and zones go in brackets`;
  return TYPE_NAME_HINT;
}

/** Declared columns: a schema, a schema text, or `{ column: typeName }`. */
export type SchemaLike = Schema | string | Record<string, string>;

/**
 * A schema from its text: columns separated by commas, each `name type [not null]`; a name with
 * spaces or commas is double-quoted (`"unit price" decimal(9, 2)`). Or from `{ column: typeName }`
 * (nullable; append ` not null` to the type name to refuse nulls).
 */
export function parseSchema(schema: SchemaLike): Schema {
  if (schema instanceof Schema) return schema;
  const entries =
    typeof schema === "string" ? splitColumns(schema).map(column) : Object.entries(schema).map(columnEntry);
  const seen = new Set<string>();
  for (const [name] of entries) {
    if (seen.has(name))
      throw new HyggeError("CONFIG_INVALID", `column ${name} is declared twice`, {
        hint: "give each column one declaration",
        subject: name,
      });
    seen.add(name);
  }
  return new Schema(entries.map(([name, type, nullable]) => parseField(name, type, { nullable })));
}

type Entry = [name: string, type: string, nullable: boolean];

function columnEntry([name, type]: [string, string]): Entry {
  const m = /^(.*?)\s+not\s+null\s*$/i.exec(type);
  return m ? [name, m[1]!, false] : [name, type, true];
}

function column(text: string): Entry {
  const m = /^\s*(?:"([^"]+)"|([^\s"]+))\s+(.+?)\s*$/.exec(text);
  if (!m)
    throw new HyggeError("CONFIG_INVALID", `"${text.trim()}" is not a column declaration`, {
      hint: 'declare each column as `name type`, separated by commas: "id int64, amount decimal(18, 2)"',
    });
  return columnEntry([m[1] ?? m[2]!, m[3]!]);
}

/** Splits at commas outside (), [], <> and quotes. */
function splitColumns(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === "(" || c === "[" || c === "<") depth++;
    else if (c === ")" || c === "]" || c === ">") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim() !== "");
}
