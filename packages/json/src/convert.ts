import { isJsonField, isUuidField, parseUuid } from "@hygge/core";
import {
  type DataType,
  type Decimal,
  type Field,
  type Int,
  type List,
  type Struct,
  type Time,
  type Timestamp,
  Type,
} from "apache-arrow";
import { isLosslessNumber, stringify } from "lossless-json";
import { exactNumber, isNumber, type JsonObject, type JsonValue, numberText, scaled } from "./parse-line.js";
import { parseDate, parseTime, parseTimestamp } from "./temporal.js";

/** A value that does not fit its column: `path` is the key path below the column (`.a[2]`). */
export class CellError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    public path = "",
  ) {
    super(message);
  }
}

/** JSON value → what the column builder stores (bigint, number, string, bytes, nested arrays); null for null. */
export type Convert = (value: JsonValue) => unknown;

const show = (value: JsonValue) => {
  const text = typeof value === "string" ? JSON.stringify(value) : (stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

function refuse(value: JsonValue, expected: string, hint: string): never {
  throw new CellError(`${show(value)} is not ${expected}`, hint);
}

const DECLARE = "declare the key's type in `columns:` (hygge's type names), or fix the file";

/** The converter of a field, built once per schema. */
export function converter(field: Field, unknownKeys: "error" | "ignore"): Convert {
  if (isUuidField(field))
    return (v) => {
      if (typeof v !== "string") refuse(v, "a uuid", DECLARE);
      try {
        return parseUuid(v);
      } catch {
        refuse(v, "a uuid", DECLARE);
      }
    };
  if (isJsonField(field)) return (v) => stringify(v) ?? null;
  return forType(field.type, unknownKeys);
}

function forType(type: DataType, unknownKeys: "error" | "ignore"): Convert {
  switch (type.typeId) {
    case Type.Bool:
      return (v) => (typeof v === "boolean" ? v : refuse(v, "true or false", DECLARE));
    case Type.Int:
      return integer(type as Int);
    case Type.Float:
      return (v) => {
        if (isNumber(v)) return typeof v === "number" ? v : Number(v.value);
        if (v === "NaN") return Number.NaN;
        if (v === "Infinity" || v === "inf") return Number.POSITIVE_INFINITY;
        if (v === "-Infinity" || v === "-inf") return Number.NEGATIVE_INFINITY;
        return refuse(v, "a number", DECLARE);
      };
    case Type.Decimal:
      return decimal(type as Decimal);
    case Type.Utf8:
    case Type.LargeUtf8:
      // Scalars keep their JSON text (a number's literal, exactly); objects and arrays are refused.
      return (v) => {
        if (typeof v === "string") return v;
        if (typeof v === "boolean") return String(v);
        if (isNumber(v)) return typeof v === "number" ? JSON.stringify(v) : v.value;
        return refuse(v, "a string", "declare the key as `json` to keep objects and arrays as JSON text");
      };
    case Type.Binary:
    case Type.LargeBinary:
      return (v) => {
        if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0)
          refuse(v, "base64 text", "binary values are read as base64 strings");
        return new Uint8Array(Buffer.from(v, "base64"));
      };
    case Type.Date:
      return (v) => {
        const days = typeof v === "string" ? parseDate(v) : undefined;
        return days ?? refuse(v, "a date (YYYY-MM-DD)", DECLARE);
      };
    case Type.Time: {
      const unit = (type as Time).unit;
      return (v) => {
        const t = typeof v === "string" ? parseTime(v, unit) : undefined;
        if (t === undefined)
          refuse(v, `a time (HH:MM:SS[.fraction]) at ${["s", "ms", "us", "ns"][unit]}`, DECLARE);
        return (type as Time).bitWidth === 64 ? t : Number(t);
      };
    }
    case Type.Timestamp:
      return timestamp(type as Timestamp);
    case Type.List: {
      const item = forType((type as List).valueType, unknownKeys);
      return (v) => {
        if (!Array.isArray(v)) refuse(v, "an array", DECLARE);
        return v.map((x, i) => nested(item, x, `[${i}]`));
      };
    }
    case Type.Struct:
      return struct(type as Struct, unknownKeys);
    default:
      throw new CellError(`columns of type ${type} cannot be read from JSON`, DECLARE);
  }
}

/** Null stays null; errors get `path` prepended. */
function nested(convert: Convert, value: JsonValue, path: string): unknown {
  if (value === null) return null;
  try {
    return convert(value);
  } catch (error) {
    if (error instanceof CellError) error.path = path + error.path;
    throw error;
  }
}

function struct(type: Struct, unknownKeys: "error" | "ignore"): Convert {
  const names = type.children.map((f) => f.name);
  const index = new Map(names.map((n, i) => [n, i]));
  const children = type.children.map((f) => converter(f, unknownKeys));
  return (v) => {
    if (v === null || typeof v !== "object" || Array.isArray(v) || isNumber(v))
      refuse(v, "an object", DECLARE);
    const obj = v as JsonObject;
    if (unknownKeys === "error")
      for (const key in obj)
        if (!index.has(key))
          throw new CellError(
            "is not in the schema (not declared, not seen in the sampled lines)",
            "declare it in `columns:`, raise `infer_rows`, or set `unknown_keys: ignore`",
            `.${key}`,
          );
    return children.map((c, i) => nested(c, own(obj, names[i]!), `.${names[i]}`));
  };
}

const INTEGER = /^-?\d+$/;

/** Number (safe integers, whatever the width) or bigint: see build.ts. */
function integer(type: Int): Convert {
  const bits = BigInt(type.bitWidth);
  const min = type.isSigned ? -(1n << (bits - 1n)) : 0n;
  const max = type.isSigned ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const big = type.bitWidth === 64;
  const name = `${type.isSigned ? "int" : "uint"}${type.bitWidth}`;
  const lo = Number(min);
  const hi = Number(max);
  return (v) => {
    // A safe integer stays a number even for 64 bits (the builder writes it without a BigInt).
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= lo && v <= hi) return v;
    // A plain integer literal (the common big one: an id beyond 2^53) needs no decimal parsing.
    if (big && isLosslessNumber(v) && INTEGER.test(v.value)) {
      const n = BigInt(v.value);
      if (n >= min && n <= max) return n;
    }
    // Integers written as strings (protobuf's JSON for int64) are accepted: the text is exact.
    const x = isNumber(v)
      ? exactNumber(numberText(v))
      : typeof v === "string"
        ? exactNumber(v.trim())
        : undefined;
    const n = x && scaled(x, 0);
    if (n === undefined || n === null) return refuse(v, `an integer (${name})`, DECLARE);
    if (n < min || n > max)
      return refuse(
        v,
        `within ${name} (${min} to ${max})`,
        "declare a wider type: int64, uint64 or decimal(38, 0)",
      );
    return big ? n : Number(n);
  };
}

function decimal(type: Decimal): Convert {
  const limit = 10n ** BigInt(type.precision);
  const name = `decimal(${type.precision}, ${type.scale})`;
  return (v) => {
    const x = isNumber(v)
      ? exactNumber(numberText(v))
      : typeof v === "string"
        ? exactNumber(v.trim())
        : undefined;
    if (!x) return refuse(v, "a number", DECLARE);
    const n = scaled(x, type.scale);
    if (n === undefined)
      return refuse(v, `a ${name}: it has more than ${type.scale} decimals`, "declare a larger scale");
    if (n >= limit || n <= -limit)
      return refuse(v, `a ${name}: too many digits`, "declare a larger precision");
    return n;
  };
}

function timestamp(type: Timestamp): Convert {
  const zoned = Boolean(type.timezone);
  return (v) => {
    if (typeof v !== "string") return refuse(v, "an ISO 8601 timestamp", DECLARE);
    const t = parseTimestamp(v, type.unit);
    if (!t.ok)
      return t.reason === "precision"
        ? refuse(
            v,
            `a timestamp at ${["s", "ms", "us", "ns"][type.unit]} precision`,
            "declare a finer unit (timestamp[ns…])",
          )
        : refuse(v, "an ISO 8601 timestamp", DECLARE);
    if (zoned && !t.zoned)
      return refuse(
        v,
        "an instant: it has no offset",
        `add an offset (Z, +02:00), or declare timestamp[${["s", "ms", "us", "ns"][type.unit]}] (no zone)`,
      );
    if (!zoned && t.zoned)
      return refuse(
        v,
        "a wall-clock time: it has an offset",
        `declare timestamp[${["s", "ms", "us", "ns"][type.unit]}, UTC]`,
      );
    return t.value;
  };
}

/** `obj[key]` when the object has it (not `toString` from its prototype), else null. */
export function own(obj: JsonObject, key: string): JsonValue {
  return Object.hasOwn(obj, key) ? obj[key]! : null;
}
