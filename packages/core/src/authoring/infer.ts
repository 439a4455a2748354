import { type Field, Schema } from "apache-arrow";
import { HyggeError } from "../errors.js";
import { showValue } from "./batch-from-rows.js";
import { parseField } from "./type-syntax.js";

/**
 * A schema from JavaScript values, exactness first. Per key, over all rows, ignoring null and
 * undefined:
 * - boolean → bool; string → string (text is never guessed to be a date or a number);
 * - numbers that are all safe integers, and bigints → int64; numbers with a fraction (or beyond
 *   2^53) → float64, the type of a JS number; bigints mixed with such numbers are refused;
 * - Date → timestamp[ms, UTC]; Uint8Array → binary;
 * - arrays → list<item type> (inferred the same way); plain objects → json;
 * - a key whose values mix kinds, or that is null in every row, is refused: declare it.
 * Columns are in the order keys are first seen, all nullable. Inference sees only these rows: a
 * later page may hold a float where this one held integers. Declare the schema when you know it.
 */
export function inferSchema(rows: readonly Readonly<Record<string, unknown>>[]): Schema {
  const values = new Map<string, unknown[]>();
  rows.forEach((row, r) => {
    if (row === null || typeof row !== "object" || Array.isArray(row))
      throw new HyggeError("HOME_READ_FAILED", `row ${r} is not an object`, {
        hint: "inferSchema takes rows as { column: value } objects",
        details: { row: r },
      });
    for (const [key, value] of Object.entries(row)) {
      let list = values.get(key);
      if (!list) values.set(key, (list = []));
      list.push(value);
    }
  });
  return new Schema([...values].map(([name, vs]) => parseField(name, typeNameFor(name, vs))));
}

type Kind = "bool" | "string" | "integer" | "float" | "bigint" | "date" | "bytes" | "array" | "object";

function kindOf(v: unknown): Kind | "other" {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  if (typeof v === "bigint") return "bigint";
  if (typeof v === "number") return Number.isSafeInteger(v) ? "integer" : "float";
  if (v instanceof Date) return "date";
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype) return "object";
  return "other";
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** The type name of a column holding `values` (at `path` inside column `name`). */
function typeNameFor(name: string, values: readonly unknown[], path = ""): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  const at = `column ${name}${path}`;
  if (present.length === 0)
    throw new HyggeError(
      "HOME_READ_FAILED",
      `${at} is null or empty in every row: its type cannot be inferred`,
      {
        hint: `declare the columns (batchFromRows(schema, rows)), e.g. "${name} string"`,
        subject: name,
      },
    );
  const kinds = new Map<Kind | "other", unknown>();
  for (const v of present) if (!kinds.has(kindOf(v))) kinds.set(kindOf(v), v);
  if (kinds.has("other"))
    throw new HyggeError(
      "HOME_READ_FAILED",
      `${at} holds ${showValue(kinds.get("other"))}, which has no Arrow type`,
      {
        hint: "convert it to a string, number, bigint, boolean, Date, Uint8Array, array or plain object",
        subject: name,
      },
    );
  // Safe integers join bigints (int64) or numbers with fractions (float64, what JS numbers are).
  if (kinds.has("integer") && (kinds.has("bigint") || kinds.has("float"))) kinds.delete("integer");
  if (kinds.size > 1) {
    const seen = [...kinds.entries()].map(([k, v]) => `${k} (${showValue(v)})`).join(" and ");
    throw new HyggeError("HOME_READ_FAILED", `${at} mixes ${seen}: its type cannot be inferred exactly`, {
      hint: `declare the column's type (batchFromRows("${name} decimal(38, 10), …", rows)), or convert the values to one kind`,
      subject: name,
    });
  }
  const [kind] = [...kinds.keys()] as Kind[];
  switch (kind) {
    case "bool":
      return "bool";
    case "string":
      return "string";
    case "integer":
      return "int64";
    case "float":
      return "float64";
    case "bigint": {
      const out = present.find((v) => (v as bigint) < I64_MIN || (v as bigint) > I64_MAX);
      if (out !== undefined)
        throw new HyggeError("HOME_READ_FAILED", `${at} holds ${showValue(out)}, beyond int64`, {
          hint: `declare the column as uint64 or decimal(38, 0)`,
          subject: name,
        });
      return "int64";
    }
    case "date":
      return "timestamp[ms, UTC]";
    case "bytes":
      return "binary";
    case "object":
      return "json";
    default: {
      const items = (present as unknown[][]).flat();
      const item = typeNameFor(name, items, `${path}[]`);
      if (item === "json")
        throw new HyggeError("HOME_READ_FAILED", `${at} holds arrays of objects`, {
          hint: `declare it as json to keep them as JSON text, or as list<struct> with a Schema`,
          subject: name,
        });
      return `list<${item}>`;
    }
  }
}

/** A field for a column of values, by the same rules (for authors inferring one column at a time). */
export function inferField(name: string, values: readonly unknown[]): Field {
  return parseField(name, typeNameFor(name, values));
}
