import { formatDecimal, formatUuid, HyggeError, isJsonField, isUuidField, wordsToBigInt } from "@hygge/core";
import {
  type Data,
  type Decimal,
  type Dictionary,
  type Field,
  type FixedSizeBinary,
  makeVector,
  type Time,
  type Timestamp,
  Type,
} from "apache-arrow";
import { parse, stringify } from "lossless-json";
import { formatDate, formatTime, formatTimestamp } from "./temporal.js";

/** Row `i` of a column as JSON text (`null` for a null). */
export type Encode = (i: number) => string;

const PLUGIN = "@hygge/json";

/**
 * The JSON text of each value, exactly: 64-bit integers as bare numbers printed from their integer
 * value (DuckDB's read_json reads them back exactly into BIGINT/UBIGINT columns). Decimals of at
 * most 15 digits are bare numbers; wider ones are strings, because DuckDB's read_json (like most
 * JSON readers) parses a number through a double, which keeps 15 digits, and casts a string exactly.
 * floats as their shortest round-trip text (NaN and ±Infinity, which JSON lacks, as the strings
 * DuckDB casts back), timestamps as ISO 8601 (`Z` when the column has a zone: the instant in UTC),
 * dates and times ISO, binary as base64, uuid as text, json columns embedded as JSON.
 */
export function encoder(field: Field, data: Data): Encode {
  const encode = valueEncoder(field, data);
  if (data.nullCount === 0) return encode;
  return (i) => (data.getValid(i) ? encode(i) : "null");
}

function valueEncoder(field: Field, data: Data): Encode {
  const type = field.type;
  const values = data.values as never as ArrayLike<number | bigint> & Uint8Array;
  if (isUuidField(field)) return (i) => `"${formatUuid(values.subarray(i * 16, i * 16 + 16))}"`;
  if (isJsonField(field)) return (i) => embedJson(field, utf8(data, i));
  switch (type.typeId) {
    case Type.Bool:
      return (i) =>
        ((data.values[(data.offset + i) >> 3] as number) >> ((data.offset + i) & 7)) & 1 ? "true" : "false";
    case Type.Int:
      return (i) => String(values[i]);
    case Type.Float:
      return (i) => floatText(values[i] as number);
    case Type.Decimal: {
      const words = (type as Decimal).bitWidth / 32;
      const scale = (type as Decimal).scale;
      const w = data.values as Uint32Array;
      const quote = (type as Decimal).precision > 15 ? '"' : "";
      return (i) => quote + formatDecimal(wordsToBigInt(w, i * words, words), scale) + quote;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return (i) => JSON.stringify(utf8(data, i));
    case Type.Binary:
    case Type.LargeBinary:
      return (i) => `"${Buffer.from(bytes(data, i)).toString("base64")}"`;
    case Type.FixedSizeBinary: {
      const width = (type as FixedSizeBinary).byteWidth;
      return (i) => `"${Buffer.from(values.subarray(i * width, i * width + width)).toString("base64")}"`;
    }
    case Type.Date:
      // DateDay holds days; DateMillisecond holds milliseconds (whole days by Arrow's rule).
      return type.toString().includes("Millisecond")
        ? (i) => `"${formatDate(Number(BigInt(values[i]!) / 86_400_000n))}"`
        : (i) => `"${formatDate(values[i] as number)}"`;
    case Type.Time: {
      const unit = (type as Time).unit;
      return (i) => `"${formatTime(BigInt(values[i]!), unit)}"`;
    }
    case Type.Timestamp: {
      const t = type as Timestamp;
      const zoned = Boolean(t.timezone);
      return (i) => `"${formatTimestamp(BigInt(values[i]!), t.unit, zoned)}"`;
    }
    case Type.List:
    case Type.LargeList: {
      const child = encoder(type.children[0]!, data.children[0]!);
      const offsets = data.valueOffsets as Int32Array;
      return (i) => {
        const parts: string[] = [];
        for (let j = Number(offsets[i]); j < Number(offsets[i + 1]); j++) parts.push(child(j));
        return `[${parts.join(",")}]`;
      };
    }
    case Type.Struct: {
      const keys = type.children.map((f: Field) => `${JSON.stringify(f.name)}:`);
      const children = type.children.map((f: Field, c: number) => encoder(f, data.children[c]!));
      return (i) => `{${children.map((e: Encode, c: number) => keys[c] + e(i)).join(",")}}`;
    }
    case Type.Dictionary: {
      const dictionary = makeVector((data as Data<Dictionary>).dictionary!);
      const decoded = encoder(
        { ...field, type: (type as Dictionary).dictionary } as Field,
        dictionary.data[0]!,
      );
      return (i) => decoded(Number(values[i]));
    }
    default:
      throw new HyggeError("STORE_WRITE_FAILED", `column ${field.name}: type ${type} has no NDJSON form`, {
        plugin: PLUGIN,
        hint: "cast the column (to a string, for instance) before writing NDJSON",
      });
  }
}

function floatText(v: number): string {
  if (Number.isFinite(v)) return Object.is(v, -0) ? "-0.0" : String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

function bytes(data: Data, i: number): Uint8Array {
  const offsets = data.valueOffsets as Int32Array;
  return (data.values as Uint8Array).subarray(Number(offsets[i]), Number(offsets[i + 1]));
}

const decoder = new TextDecoder();
function utf8(data: Data, i: number): string {
  return decoder.decode(bytes(data, i));
}

/** A json column's text, compacted to one line (exact: numbers keep their literal). */
function embedJson(field: Field, text: string): string {
  try {
    return stringify(parse(text)) ?? "null";
  } catch (cause) {
    throw new HyggeError("STORE_WRITE_FAILED", `column ${field.name}: a json value is not valid JSON`, {
      plugin: PLUGIN,
      hint: "declare the column as a string instead of json",
      cause,
    });
  }
}
