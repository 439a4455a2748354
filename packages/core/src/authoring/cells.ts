import type {
  DataType,
  DateDay,
  Decimal,
  Field,
  Float,
  Int,
  List,
  Struct,
  Time,
  Timestamp,
} from "apache-arrow";
import { Precision, Type } from "apache-arrow";
import { isJsonField, isUuidField, parseUuid } from "../arrow/extension.js";
import { typeNameOf } from "../arrow/type-names.js";
import { parseDecimal } from "../arrow/values.js";
import { CellRefused, refuse, type ToCell } from "./cell-refused.js";
import { date, time, timestamp } from "./cells-temporal.js";

/**
 * JavaScript values → the cells the builder stores (build-data.ts): bigint for 64-bit integers,
 * timestamps and decimals (unscaled), number for narrower integers, days and floats, string,
 * bytes, arrays for lists and structs; null for null. A value the column cannot carry exactly is
 * refused with a `CellRefused` saying why and what to do.
 */

/** The converter for `field`, built once per schema. */
export function cellConverter(field: Field): ToCell {
  if (isUuidField(field)) return uuid;
  if (isJsonField(field)) return jsonText;
  const convert = forType(field.type, typeNameOf(field));
  if (field.nullable) return convert;
  return (v) => {
    if (v === null || v === undefined) refuse("a value: the column is not null", "give every row a value");
    return convert(v);
  };
}

function nullable(convert: ToCell): ToCell {
  return (v) => (v === null || v === undefined ? null : convert(v));
}

function forType(type: DataType, name: string): ToCell {
  switch (type.typeId) {
    case Type.Bool:
      return nullable((v) => (typeof v === "boolean" ? v : refuse("a boolean", "pass true or false")));
    case Type.Int:
      return nullable(integer(type as Int, name));
    case Type.Float:
      return nullable(float((type as Float).precision === Precision.SINGLE));
    case Type.Decimal:
      return nullable(decimal(type as Decimal, name));
    case Type.Utf8:
      return nullable((v) => {
        if (typeof v !== "string") refuse("a string", "convert it with String(value)");
        // A lone surrogate has no UTF-8 form: writing it would replace it with U+FFFD.
        if (/\p{Cs}/u.test(v))
          refuse("well-formed Unicode (it has a lone surrogate)", "fix the text at the source");
        return v;
      });
    case Type.Binary:
      return nullable((v) => (v instanceof Uint8Array ? v : refuse("bytes", "pass a Uint8Array or Buffer")));
    case Type.Date:
      return nullable(date((type as DateDay).unit === 0));
    case Type.Time:
      return nullable(time(type as Time));
    case Type.Timestamp:
      return nullable(timestamp(type as Timestamp));
    case Type.List: {
      const item = cellConverter((type as List).children[0]!);
      return nullable((v) => {
        if (!Array.isArray(v)) refuse("an array", "pass an array of items");
        return v.map((x, i) => nested(item, x, `[${i}]`));
      });
    }
    case Type.Struct: {
      const fields = (type as Struct).children;
      const children = fields.map(cellConverter);
      return nullable((v) => {
        if (typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array || v instanceof Date)
          refuse("an object", "pass a plain object with the struct's fields");
        const obj = v as Record<string, unknown>;
        const known = new Set(fields.map((f) => f.name));
        for (const key of Object.keys(obj))
          if (!known.has(key)) {
            const error = new CellRefused(
              "is not a field of the struct",
              "declare it, or leave it out",
              `.${key}`,
            );
            error.value = { refused: obj[key] };
            throw error;
          }
        return children.map((c, k) => nested(c, obj[fields[k]!.name], `.${fields[k]!.name}`));
      });
    }
    default:
      throw new CellRefused(`type ${name} cannot be built from JavaScript values`, "declare another type");
  }
}

function nested(convert: ToCell, value: unknown, path: string): unknown {
  try {
    return convert(value);
  } catch (error) {
    if (error instanceof CellRefused) {
      error.path = path + error.path;
      error.value ??= { refused: value };
    }
    throw error;
  }
}

const INTEGER = /^[+-]?\d+$/;

function integer(type: Int, name: string): ToCell {
  const bits = BigInt(type.bitWidth);
  const min = type.isSigned ? -(1n << (bits - 1n)) : 0n;
  const max = type.isSigned ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const big = type.bitWidth === 64;
  return (v) => {
    let n: bigint;
    if (typeof v === "bigint") n = v;
    else if (typeof v === "number") {
      if (!Number.isInteger(v)) refuse(`an integer (${name})`, "round it first, or declare float64");
      if (!Number.isSafeInteger(v))
        refuse(
          `exact: a JS number beyond 2^53 has already lost digits`,
          "pass the value as a bigint or a string of digits (read it from the source as text)",
        );
      n = BigInt(v);
    } else if (typeof v === "string" && INTEGER.test(v.trim())) n = BigInt(v.trim());
    else return refuse(`an integer (${name})`, "pass a bigint, a safe integer, or a string of digits");
    if (n < min || n > max)
      refuse(`within ${name} (${min} to ${max})`, "declare a wider type: int64, uint64 or decimal(38, 0)");
    return big ? n : Number(n);
  };
}

function float(single: boolean): ToCell {
  return (v) => {
    if (typeof v !== "number")
      refuse("a number", "pass a JS number; for exact decimals declare decimal(p, s) and pass strings");
    // float32 holds fewer digits than a JS number: a value it would round is refused.
    if (single && !Number.isNaN(v) && Math.fround(v) !== v)
      refuse("exact as a float32", "declare float64, which holds every JS number");
    return v;
  };
}

function decimal(type: Decimal, name: string): ToCell {
  const limit = 10n ** BigInt(type.precision);
  return (v) => {
    let n: bigint;
    if (typeof v === "bigint") n = v * 10n ** BigInt(type.scale);
    else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v) * 10n ** BigInt(type.scale);
    else if (typeof v === "number")
      return refuse(
        `exact: a JS number with a fraction is binary floating point`,
        `pass the decimal as a string ("12.34") or a bigint`,
      );
    else if (typeof v === "string") {
      if (!/\d/.test(v)) return refuse("a decimal", `pass digits with an optional sign and point: "-12.34"`);
      try {
        n = parseDecimal(v, type.scale);
      } catch {
        return /^\s*[+-]?\d*\.\d+\s*$/.test(v)
          ? refuse(
              `a ${name}: it has more than ${type.scale} decimals`,
              "round it at the source, or declare a larger scale",
            )
          : refuse(`a decimal`, `pass digits with an optional sign and point: "-12.34"`);
      }
    } else return refuse(`a decimal`, `pass a string ("12.34") or a bigint`);
    if (n >= limit || n <= -limit) refuse(`a ${name}: too many digits`, "declare a larger precision");
    return n;
  };
}

const uuid = nullable((v) => {
  if (v instanceof Uint8Array)
    return v.length === 16 ? v : refuse("a uuid (16 bytes)", "pass 16 bytes or the uuid text");
  if (typeof v !== "string")
    return refuse("a uuid", 'pass the uuid text ("123e4567-e89b-12d3-a456-426614174000")');
  try {
    return parseUuid(v);
  } catch {
    return refuse("a uuid", 'pass the uuid text ("123e4567-e89b-12d3-a456-426614174000")');
  }
});

/** A json column takes JSON text as a string (checked), or any other value, serialized exactly. */
const jsonText = nullable((v) => {
  if (typeof v === "string") {
    try {
      JSON.parse(v);
    } catch {
      refuse("JSON text", `a json column takes JSON text: pass JSON.stringify(value), or the value itself`);
    }
    return v;
  }
  return stringifyExact(v);
});

/** JSON text of a value, with bigints as their digits and what JSON cannot say refused. */
function stringifyExact(x: unknown): string {
  if (x === null || typeof x === "boolean" || typeof x === "string") return JSON.stringify(x);
  if (typeof x === "bigint") return x.toString();
  if (typeof x === "number") {
    if (!Number.isFinite(x)) refuse("JSON: it holds NaN or Infinity", "replace it with null or a string");
    return JSON.stringify(x);
  }
  if (x instanceof Date) return JSON.stringify(x.toISOString());
  if (Array.isArray(x)) return `[${x.map(stringifyExact).join(",")}]`;
  if (typeof x === "object" && !(x instanceof Uint8Array)) {
    const parts = Object.entries(x as Record<string, unknown>).map(
      ([k, v]) => `${JSON.stringify(k)}:${stringifyExact(v)}`,
    );
    return `{${parts.join(",")}}`;
  }
  return refuse("JSON: it holds undefined, bytes, a function or a symbol", "leave it out or use null");
}
