import { cellToJson, formatDecimal, HyggeError, wordsToBigInt } from "@hygge/core";
import { type DataType, type RecordBatch, Type, type Vector } from "apache-arrow";
import { formatDate, formatTimeMicros, formatTimestamp, type TimeUnit } from "../arrow/temporal.js";

const UNITS: TimeUnit[] = ["s", "ms", "us", "ns"];
const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Escapes a value for COPY text format (backslash, newline, carriage return, tab). */
export function copyEscape(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : text;
}

type Cell = (i: number) => string;

/** One formatter per column: row index → COPY text (already escaped), for non-null cells. */
function formatter(vector: Vector, column: string): Cell {
  const type = vector.type as DataType & Record<string, any>;
  const values = vector.data[0]?.values as any;
  switch (type.typeId) {
    case Type.Bool:
      return (i) => (vector.get(i) ? "t" : "f");
    case Type.Int:
      if (type.bitWidth === 64 || (type.bitWidth === 32 && !type.isSigned))
        return (i) => String(vector.get(i));
      return (i) => String(values[i]);
    case Type.Float:
      return (i) => {
        const v = vector.get(i) as number;
        return Object.is(v, -0) ? "-0" : String(v);
      };
    case Type.Utf8:
    case Type.LargeUtf8:
      return (i) => copyEscape(vector.get(i) as string);
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return (i) => {
        const bytes = vector.get(i) as Uint8Array;
        return `\\\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
      };
    case Type.Date:
      if (type.unit === 0) return (i) => formatDate(values[i]);
      return (i) => formatDate(Math.floor(Number(values[i]) / 86_400_000));
    case Type.Timestamp: {
      const unit = UNITS[type.unit]!;
      const zone = type.timezone ? "+00" : "";
      return (i) => {
        try {
          return formatTimestamp(BigInt(values[i]), unit, 6) + zone;
        } catch (error) {
          throw lossy(column, String(values[i]), error);
        }
      };
    }
    case Type.Time: {
      const unit = UNITS[type.unit]!;
      return (i) => {
        const raw = BigInt(values[i]);
        const micros =
          unit === "ns" ? raw / 1000n : unit === "us" ? raw : unit === "ms" ? raw * 1000n : raw * 1_000_000n;
        if (unit === "ns" && raw % 1000n !== 0n) throw lossy(column, String(raw), undefined);
        return formatTimeMicros(micros);
      };
    }
    case Type.Decimal: {
      const words = type.bitWidth / 32;
      const scale = type.scale as number;
      return (i) => formatDecimal(wordsToBigInt(values, i * words, words), scale);
    }
    case Type.Dictionary:
      return (i) => copyEscape(String(vector.get(i)));
    default:
      // Lists, structs and maps are stored as jsonb (exact: BigInts and decimals as strings).
      return (i) => copyEscape(JSON.stringify(cellToJson(vector, i)));
  }
}

function lossy(column: string, value: string, cause: unknown): HyggeError {
  return new HyggeError(
    "STORE_WRITE_FAILED",
    `column "${column}" holds ${value}ns, which PostgreSQL (microsecond precision) cannot store exactly`,
    { subject: column, cause, hint: "Truncate the column to microseconds before loading it." },
  );
}

/** A batch as COPY FROM STDIN text format rows (tab-separated, \N for null). */
export function encodeCopyText(batch: RecordBatch): Buffer {
  const vectors = batch.schema.fields.map((_, c) => batch.getChildAt(c)!);
  const cells = vectors.map((v, c) => formatter(v, batch.schema.fields[c]!.name));
  const valid = vectors.map((v) => (v.nullCount === 0 ? undefined : v));
  const n = batch.numRows;
  const last = vectors.length - 1;
  let out = "";
  for (let i = 0; i < n; i++) {
    let line = "";
    for (let c = 0; c <= last; c++) {
      const v = valid[c];
      line += v && !v.isValid(i) ? "\\N" : cells[c]!(i);
      line += c === last ? "\n" : "\t";
    }
    out += line;
  }
  return Buffer.from(out, "utf8");
}
