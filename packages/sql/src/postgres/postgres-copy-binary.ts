import { type DataType, type Field, type RecordBatch, Type, type Vector } from "apache-arrow";

/** COPY BINARY framing: signature, flags, header extension length; a -1 field count ends it. */
export const COPY_BINARY_HEADER = Buffer.concat([
  Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"),
  Buffer.alloc(8),
]);
export const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);

const PG_EPOCH_DAYS = 10_957; // 2000-01-01 in days since 1970-01-01
const PG_EPOCH_MICROS = 946_684_800_000_000n;
const TO_MICROS = [1_000_000n, 1000n, 1n] as const; // s, ms, us

/**
 * Arrow types written in PostgreSQL's binary COPY format straight from the Arrow buffers (no
 * per-value strings). Other types (unsigned 64-bit, nanoseconds, nested) go through the text format.
 */
export function binaryEncodable(type: DataType): boolean {
  const t = type as DataType & Record<string, any>;
  switch (type.typeId) {
    case Type.Bool:
    case Type.Utf8:
    case Type.Binary:
    case Type.Decimal:
      return true;
    case Type.Int:
      return t.isSigned || t.bitWidth <= 32;
    case Type.Float:
      return t.precision >= 1;
    case Type.Date:
      return t.unit === 0;
    case Type.Timestamp:
      return t.unit <= 2;
    default:
      return false;
  }
}

const TEXT_TYPES = new Set(["text", "character varying", "character", "name"]);

/** True when a column of PostgreSQL type `actual` (regtype text) takes `field` in binary format. */
export function binaryTypeMatches(field: Field, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const t = field.type as DataType & Record<string, any>;
  switch (t.typeId) {
    case Type.Bool:
      return actual === "boolean";
    case Type.Int: {
      const bytes =
        (t.isSigned && t.bitWidth <= 16) || t.bitWidth === 8
          ? 2
          : (t.isSigned && t.bitWidth === 32) || t.bitWidth === 16
            ? 4
            : 8;
      return actual === (bytes === 2 ? "smallint" : bytes === 4 ? "integer" : "bigint");
    }
    case Type.Float:
      return actual === (t.precision === 2 ? "double precision" : "real");
    case Type.Utf8:
      return TEXT_TYPES.has(actual);
    case Type.Binary:
      return actual === "bytea";
    case Type.Decimal:
      return actual === "numeric";
    case Type.Date:
      return actual === "date";
    case Type.Timestamp:
      return actual === "timestamp without time zone" || actual === "timestamp with time zone";
    default:
      return false;
  }
}

/** Bytes of one column's values (without the 4-byte length words). */
function columnBytes(v: Vector): number {
  const t = v.type as DataType & Record<string, any>;
  const n = v.length;
  switch (t.typeId) {
    case Type.Bool:
      return n;
    case Type.Int:
      return (
        n *
        (t.bitWidth <= 16 && t.isSigned
          ? 2
          : t.bitWidth <= 8
            ? 2
            : t.bitWidth <= 16 || (t.bitWidth === 32 && t.isSigned)
              ? 4
              : 8)
      );
    case Type.Float:
      return n * (t.precision === 2 ? 8 : 4);
    case Type.Utf8:
    case Type.Binary: {
      const o = v.data[0]!.valueOffsets;
      return o[n]! - o[0]!;
    }
    case Type.Decimal:
      return n * (8 + 2 * Math.ceil((t.precision + 8) / 4));
    case Type.Date:
      return n * 4;
    default:
      return n * 8;
  }
}

/** Base-10000 digits of an unscaled decimal, as PostgreSQL's binary numeric wants them. */
function writeNumeric(buf: Buffer, at: number, unscaled: bigint, scale: number): number {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const intPart = digits.length > scale ? digits.slice(0, digits.length - scale) : "";
  const frac = digits.length > scale ? digits.slice(digits.length - scale) : digits.padStart(scale, "0");
  const intPadded = intPart.padStart(Math.ceil(intPart.length / 4) * 4, "0");
  const fracPadded = frac.padEnd(Math.ceil(frac.length / 4) * 4, "0");
  const groups: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
  let weight = intPadded.length / 4 - 1;
  let first = 0;
  while (first < groups.length && groups[first] === 0) {
    first++;
    weight--;
  }
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last--;
  const ndigits = last - first;
  if (ndigits === 0) weight = 0;
  const len = 8 + 2 * ndigits;
  buf.writeInt32BE(len, at);
  buf.writeInt16BE(ndigits, at + 4);
  buf.writeInt16BE(weight, at + 6);
  buf.writeUInt16BE(negative && ndigits > 0 ? 0x4000 : 0, at + 8);
  buf.writeInt16BE(scale, at + 10);
  for (let i = 0; i < ndigits; i++) buf.writeInt16BE(groups[first + i]!, at + 12 + 2 * i);
  return at + 4 + len;
}

type Writer = (buf: Buffer, at: number, i: number) => number;

/** Writes a 4-byte big-endian length word for small constant lengths. */
function len4(buf: Buffer, at: number, n: number): void {
  buf[at] = 0;
  buf[at + 1] = 0;
  buf[at + 2] = 0;
  buf[at + 3] = n;
}

/** Fixed-width values byte-swapped from the Arrow buffer (little-endian) into network order. */
function swapped(values: ArrayBufferView, width: number): Writer {
  const src = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (width === 8) {
    return (buf, at, i) => {
      len4(buf, at, 8);
      const s = i * 8;
      buf[at + 4] = src[s + 7]!;
      buf[at + 5] = src[s + 6]!;
      buf[at + 6] = src[s + 5]!;
      buf[at + 7] = src[s + 4]!;
      buf[at + 8] = src[s + 3]!;
      buf[at + 9] = src[s + 2]!;
      buf[at + 10] = src[s + 1]!;
      buf[at + 11] = src[s]!;
      return at + 12;
    };
  }
  if (width === 4) {
    return (buf, at, i) => {
      len4(buf, at, 4);
      const s = i * 4;
      buf[at + 4] = src[s + 3]!;
      buf[at + 5] = src[s + 2]!;
      buf[at + 6] = src[s + 1]!;
      buf[at + 7] = src[s]!;
      return at + 8;
    };
  }
  return (buf, at, i) => {
    len4(buf, at, 2);
    buf[at + 4] = src[i * 2 + 1]!;
    buf[at + 5] = src[i * 2]!;
    return at + 6;
  };
}

function writer(v: Vector): Writer {
  const t = v.type as DataType & Record<string, any>;
  const data = v.data[0]!;
  const values = data.values as any;
  switch (t.typeId) {
    case Type.Bool:
      return (buf, at, i) => {
        len4(buf, at, 1);
        buf[at + 4] = v.get(i) ? 1 : 0;
        return at + 5;
      };
    case Type.Int: {
      const bits = t.bitWidth as number;
      if (t.isSigned && (bits === 16 || bits === 32 || bits === 64)) return swapped(values, bits / 8);
      if ((t.isSigned && bits <= 16) || bits === 8) {
        return (buf, at, i) => {
          len4(buf, at, 2);
          buf.writeInt16BE(values[i], at + 4);
          return at + 6;
        };
      }
      if (bits === 16) {
        return (buf, at, i) => {
          len4(buf, at, 4);
          buf.writeInt32BE(values[i], at + 4);
          return at + 8;
        };
      }
      return (buf, at, i) => {
        len4(buf, at, 8);
        buf.writeBigInt64BE(BigInt(values[i]), at + 4);
        return at + 12;
      };
    }
    case Type.Float:
      return swapped(values, t.precision === 2 ? 8 : 4);
    case Type.Utf8:
    case Type.Binary: {
      const offsets = data.valueOffsets;
      const bytes = values as Uint8Array;
      return (buf, at, i) => {
        const start = offsets[i]!;
        const len = offsets[i + 1]! - start;
        buf.writeInt32BE(len, at);
        if (len < 48) for (let k = 0; k < len; k++) buf[at + 4 + k] = bytes[start + k]!;
        else buf.set(bytes.subarray(start, start + len), at + 4);
        return at + 4 + len;
      };
    }
    case Type.Decimal: {
      const words = (t.bitWidth as number) / 32;
      return (buf, at, i) => {
        let value = 0n;
        for (let w = words - 1; w >= 0; w--) value = (value << 32n) | BigInt(values[i * words + w] >>> 0);
        const bits = BigInt(words * 32);
        if (value >> (bits - 1n)) value -= 1n << bits;
        return writeNumeric(buf, at, value, t.scale);
      };
    }
    case Type.Date:
      return (buf, at, i) => {
        buf.writeInt32BE(4, at);
        buf.writeInt32BE(values[i] - PG_EPOCH_DAYS, at + 4);
        return at + 8;
      };
    default: {
      const factor = TO_MICROS[t.unit as 0 | 1 | 2];
      return (buf, at, i) => {
        buf.writeInt32BE(8, at);
        buf.writeBigInt64BE(BigInt(values[i]) * factor - PG_EPOCH_MICROS, at + 4);
        return at + 12;
      };
    }
  }
}

/** A batch as COPY BINARY tuples (no header or trailer), encoded from the Arrow buffers. */
export function encodeCopyBinary(batch: RecordBatch): Buffer {
  const vectors = batch.schema.fields.map((_, c) => batch.getChildAt(c)!);
  const n = batch.numRows;
  let size = n * 2;
  for (const v of vectors) size += n * 4 + columnBytes(v);
  const buf = Buffer.allocUnsafe(size);
  const writers = vectors.map(writer);
  const nullable = vectors.map((v) => v.nullCount > 0);
  const width = vectors.length;
  let at = 0;
  for (let i = 0; i < n; i++) {
    buf.writeInt16BE(width, at);
    at += 2;
    for (let c = 0; c < width; c++) {
      if (nullable[c] && !vectors[c]!.isValid(i)) {
        buf.writeInt32BE(-1, at);
        at += 4;
      } else at = writers[c]!(buf, at, i);
    }
  }
  return at === size ? buf : buf.subarray(0, at);
}
