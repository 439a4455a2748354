import { makeVector, type RecordBatch, type Table, Type, type Vector } from "apache-arrow";

/** A JSON-safe value that keeps every bit of the Arrow value (BigInt and decimals as strings). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Unscaled two's-complement little-endian 32-bit words → BigInt. */
export function wordsToBigInt(words: Uint32Array | Int32Array, offset: number, count: number): bigint {
  let value = 0n;
  for (let w = count - 1; w >= 0; w--) value = (value << 32n) | BigInt(words[offset + w]! >>> 0);
  const bits = BigInt(count * 32);
  if (value >> (bits - 1n)) value -= 1n << bits;
  return value;
}

/** BigInt → little-endian 32-bit words (two's complement), for building Decimal vectors. */
export function bigIntToWords(
  value: bigint,
  count: number,
  out = new Uint32Array(count),
  offset = 0,
): Uint32Array {
  let v = BigInt.asUintN(count * 32, value);
  for (let w = 0; w < count; w++) {
    out[offset + w] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
  return out;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Parses "-12.3400" into an unscaled BigInt at `scale` (exact, no float). */
export function parseDecimal(text: string, scale: number): bigint {
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal: ${text}`);
  const frac = (m[3] ?? "").padEnd(scale, "0");
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale)))
    throw new RangeError(`${text} has more than ${scale} decimals`);
  const value = BigInt((m[2] || "0") + frac.slice(0, scale));
  return m[1] === "-" ? -value : value;
}

/** The exact value of row `i` of `vector` as JSON. */
export function cellToJson(vector: Vector, i: number): Json {
  if (!vector.isValid(i)) return null;
  const type = vector.type;
  switch (type.typeId) {
    case Type.Int: {
      const v = vector.get(i);
      return typeof v === "bigint" ? v.toString() : v;
    }
    case Type.Float: {
      const v = vector.get(i) as number;
      return Number.isFinite(v) ? v : String(v);
    }
    case Type.Decimal: {
      const data = vector.data[0]!;
      const words = type.bitWidth / 32;
      return formatDecimal(wordsToBigInt(data.values as Uint32Array, i * words, words), type.scale);
    }
    case Type.Timestamp:
    case Type.Time:
    case Type.Duration: {
      const data = vector.data[0]!;
      const values = data.values as BigInt64Array | Int32Array;
      return values[i]!.toString();
    }
    case Type.Date: {
      const data = vector.data[0]!;
      return (data.values as BigInt64Array | Int32Array)[i]!.toString();
    }
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return Buffer.from(vector.get(i) as Uint8Array).toString("base64");
    case Type.List:
    case Type.FixedSizeList:
    case Type.LargeList: {
      const child = vector.get(i) as Vector;
      return Array.from({ length: child.length }, (_, j) => cellToJson(child, j));
    }
    case Type.Struct: {
      const out: Record<string, Json> = {};
      type.children.forEach((field: { name: string }, c: number) => {
        const childVector = (vector as Vector).getChildAt(c)!;
        out[field.name] = cellToJson(childVector, i);
      });
      return out;
    }
    case Type.Map: {
      // Each entry through cellToJson (Arrow's own `get` turns 64-bit times into float ms,
      // decimals into word arrays and NaN into null).
      const [data, row] = chunkOf(vector, i);
      const entries = makeVector(data.children[0]!);
      const keys = entries.getChildAt(0)!;
      const values = entries.getChildAt(1)!;
      const out: Record<string, Json> = {};
      for (let j = data.valueOffsets[row]!; j < data.valueOffsets[row + 1]!; j++) {
        out[String(cellToJson(keys, j))] = cellToJson(values, j);
      }
      return out;
    }
    case Type.Bool:
    case Type.Utf8:
    case Type.LargeUtf8:
      return vector.get(i) as Json;
    default:
      return JSON.parse(JSON.stringify(vector.get(i), replacer)) as Json;
  }
}

/** The chunk of `vector` holding row `i`, and the row's index in it. */
function chunkOf(vector: Vector, i: number): [Vector["data"][number], number] {
  let row = i;
  for (const data of vector.data) {
    if (row < data.length) return [data, row];
    row -= data.length;
  }
  throw new RangeError(`row ${i} is outside a vector of ${vector.length} rows`);
}

function replacer(_key: string, value: unknown) {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Rows of batches (or a table) as exact JSON objects: for tests and comparisons, not hot paths. */
export function toRows(source: Table | readonly RecordBatch[]): Record<string, Json>[] {
  const batches = Array.isArray(source) ? source : (source as Table).batches;
  const rows: Record<string, Json>[] = [];
  for (const batch of batches as RecordBatch[]) {
    const columns = batch.schema.fields.map((f, c) => [f.name, batch.getChildAt(c)!] as const);
    for (let i = 0; i < batch.numRows; i++) {
      const row: Record<string, Json> = {};
      for (const [name, vector] of columns) row[name] = cellToJson(vector, i);
      rows.push(row);
    }
  }
  return rows;
}

/** Approximate in-memory size of a batch (its Arrow buffers). */
export function batchBytes(batch: RecordBatch): number {
  return batch.data.byteLength;
}
