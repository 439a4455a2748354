import { type Data, type DataType, makeData, Type } from "apache-arrow";
import type { LeafData } from "./chunk.js";

/**
 * Builds the Arrow data of one leaf from decoded levels and values. `items` are the slot positions
 * that make up this leaf's values (undefined = every slot, the flat case).
 */
export function leafToArrow(type: DataType, leaf: LeafData, items?: Int32Array): Data {
  const n = items ? items.length : leaf.slots;
  const { defs, maxDef } = leaf;
  // Value index per item (-1 for null) and the validity bitmap.
  let index: Int32Array | undefined;
  let nullBitmap: Uint8Array | undefined;
  let nullCount = 0;
  if (maxDef > 0 || items) {
    index = new Int32Array(n);
    nullBitmap = new Uint8Array(((n + 63) >> 6) << 3);
    let v = 0;
    for (let i = 0; i < n; i++) {
      const p = items ? items[i]! : i;
      if (maxDef === 0 || defs[p] === maxDef) {
        index[i] = v++;
        nullBitmap[i >> 3]! |= 1 << (i & 7);
      } else {
        index[i] = -1;
        nullCount++;
      }
    }
    if (nullCount === 0 && !items) index = undefined;
  }
  const base = { type, length: n, nullCount, nullBitmap: nullCount > 0 ? nullBitmap : undefined };
  const values = leaf.values;
  switch (type.typeId) {
    case Type.Bool: {
      const src = values.data as Uint8Array;
      const bits = new Uint8Array(((n + 63) >> 6) << 3);
      for (let i = 0; i < n; i++) {
        const j = index ? index[i]! : i;
        if (j >= 0 && src[j]) bits[i >> 3]! |= 1 << (i & 7);
      }
      return makeData({ ...base, data: bits } as never);
    }
    case Type.Utf8:
    case Type.Binary:
      return makeData({ ...base, ...varBinary(values.data as Uint8Array[], n, index) } as never);
    case Type.FixedSizeBinary:
      return makeData({
        ...base,
        data: fixedBinary(
          values.data as Uint8Array[],
          n,
          index,
          (type as never as { byteWidth: number }).byteWidth,
        ),
      } as never);
    case Type.Float: {
      if (values.kind === "bytes") {
        const halves = new Uint16Array(n);
        const src = values.data;
        for (let i = 0; i < n; i++) {
          const j = index ? index[i]! : i;
          if (j >= 0) halves[i] = src[j]![0]! | (src[j]![1]! << 8);
        }
        return makeData({ ...base, data: halves } as never);
      }
      return makeData({ ...base, data: scatter(values.data as Float64Array, n, index, type) } as never);
    }
    case Type.Decimal:
      return makeData({
        ...base,
        data: decimalWords(leaf, n, index, (type as never as { bitWidth: number }).bitWidth / 32),
      } as never);
    case Type.Timestamp:
      if (values.kind === "int96")
        return makeData({ ...base, data: int96Micros(values.data, n, index) } as never);
      return makeData({ ...base, data: scatter(values.data as BigInt64Array, n, index, type) } as never);
    default:
      return makeData({ ...base, data: scatter(values.data as Int32Array, n, index, type) } as never);
  }
}

type Numeric = Int32Array | BigInt64Array | Float32Array | Float64Array;

function scatter(src: Numeric, n: number, index: Int32Array | undefined, type: DataType): ArrayLike<unknown> {
  const Ctor = (type as unknown as { ArrayType: new (n: number) => Numeric }).ArrayType;
  if (!index) {
    if (src.constructor === Ctor) return src.length === n ? src : src.subarray(0, n);
    // Same width, other signedness (uint32/uint64): reinterpret the bytes.
    const bytes = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    if (bytes === src.BYTES_PER_ELEMENT)
      return new (Ctor as never as new (b: ArrayBufferLike, o: number, l: number) => Numeric)(
        src.buffer,
        src.byteOffset,
        n,
      );
    const out = new Ctor(n);
    (out as Int32Array).set(src as Int32Array);
    return out;
  }
  const out = new Ctor(n);
  const bytes = (out as Int32Array).BYTES_PER_ELEMENT;
  if (bytes === src.BYTES_PER_ELEMENT && (bytes === 4 || bytes === 8)) {
    // Moved as 32-bit words: no BigInt per 64-bit value, float bits (NaN payloads) kept as they are.
    const to = new Int32Array(out.buffer);
    const from = new Int32Array(src.buffer, src.byteOffset, src.length * (bytes >> 2));
    if (bytes === 4) {
      for (let i = 0; i < n; i++) {
        const j = index[i]!;
        if (j >= 0) to[i] = from[j]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const j = index[i]!;
        if (j >= 0) {
          to[2 * i] = from[2 * j]!;
          to[2 * i + 1] = from[2 * j + 1]!;
        }
      }
    }
    return out;
  }
  const o = out as unknown as number[];
  const s = src as unknown as number[];
  for (let i = 0; i < n; i++) {
    const j = index[i]!;
    if (j >= 0) o[i] = s[j]!;
  }
  return out as unknown as ArrayLike<unknown>;
}

/** Arrow JS string/binary offsets are int32: one batch's column holds at most 2^31 - 1 bytes. */
const MAX_BATCH_BYTES = 2 ** 31 - 1;

function varBinary(src: Uint8Array[], n: number, index: Int32Array | undefined) {
  const valueOffsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const j = index ? index[i]! : i;
    if (j >= 0) total += src[j]!.length;
    if (total > MAX_BATCH_BYTES)
      throw new ValueError(
        `its values in one row group pass ${MAX_BATCH_BYTES} bytes at value ${i} (${src[j]!.length} bytes): an Arrow string or binary column holds at most 2 GiB per batch`,
      );
    valueOffsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const j = index ? index[i]! : i;
    if (j >= 0) data.set(src[j]!, valueOffsets[i]!);
  }
  return { valueOffsets, data };
}

function fixedBinary(src: Uint8Array[], n: number, index: Int32Array | undefined, width: number): Uint8Array {
  const data = new Uint8Array(n * width);
  for (let i = 0; i < n; i++) {
    const j = index ? index[i]! : i;
    if (j >= 0) data.set(src[j]!, i * width);
  }
  return data;
}

/** Decimal values (INT32, INT64 or big-endian two's complement bytes) → little-endian words. */
function decimalWords(leaf: LeafData, n: number, index: Int32Array | undefined, words: number): Uint32Array {
  const out = new Uint32Array(n * words);
  const bytesOut = new Uint8Array(out.buffer);
  const width = words * 4;
  const values = leaf.values;
  if (values.kind === "int64") {
    // Two 32-bit words per value, then the sign extension: no BigInt per value.
    const src = values.data as BigInt64Array;
    const from = new Int32Array(src.buffer, src.byteOffset, src.length * 2);
    const to = new Int32Array(out.buffer);
    for (let i = 0; i < n; i++) {
      const j = index ? index[i]! : i;
      if (j < 0) continue;
      const hi = from[2 * j + 1]!;
      to[i * words] = from[2 * j]!;
      to[i * words + 1] = hi;
      if (hi < 0) for (let w = 2; w < words; w++) to[i * words + w] = -1;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const j = index ? index[i]! : i;
    if (j < 0) continue;
    const o = i * width;
    if (values.kind === "int32") {
      const v = values.data[j]!;
      out[i * words] = v >>> 0;
      if (v < 0) for (let w = 1; w < words; w++) out[i * words + w] = 0xffffffff;
    } else {
      const b = (values.data as Uint8Array[])[j]!;
      const len = b.length;
      if (len > width) throw new Error(`decimal value of ${len} bytes does not fit ${width} bytes`);
      for (let k = 0; k < len; k++) bytesOut[o + k] = b[len - 1 - k]!;
      if (len > 0 && b[0]! & 0x80) bytesOut.fill(0xff, o + len, o + width);
    }
  }
  return out;
}

/** A value hygge cannot carry exactly: the caller names the column and row group. */
export class ValueError extends Error {}

const JULIAN_EPOCH = 2440588n; // Julian day of 1970-01-01
const DAY_MICROS = 86_400_000_000n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** INT96 (nanoseconds of day, Julian day) → microseconds since the epoch, exact or refused. */
function int96Micros(src: bigint[], n: number, index: Int32Array | undefined): BigInt64Array {
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const j = index ? index[i]! : i;
    if (j < 0) continue;
    const v = src[j]!;
    // hyparquet composes (day << 64) | nanos from a signed nanos word: a negative time of day
    // (Spark writes one when a timestamp overflows its own conversion) leaves v negative and the
    // day unknowable.
    if (v < 0n)
      throw new ValueError(
        `an INT96 timestamp has a negative time of day (${BigInt.asIntN(64, v)} ns), which is not a valid INT96 value (the writer overflowed)`,
      );
    const nanos = v & 0xffffffffffffffffn;
    const day = BigInt.asIntN(32, v >> 64n);
    if (nanos % 1000n !== 0n)
      throw new ValueError(
        `INT96 timestamp ${describeInt96(day, nanos)} has a sub-microsecond part (${nanos % 1000n} ns); hygge reads INT96 as microseconds and does not round`,
      );
    const micros = (day - JULIAN_EPOCH) * DAY_MICROS + nanos / 1000n;
    if (micros < INT64_MIN || micros > INT64_MAX)
      throw new ValueError(`INT96 timestamp ${describeInt96(day, nanos)} is outside the microsecond range`);
    out[i] = micros;
  }
  return out;
}

function describeInt96(day: bigint, nanos: bigint): string {
  const ms = Number(day - JULIAN_EPOCH) * 86_400_000 + Number(nanos / 1_000_000n);
  const date = new Date(ms);
  const text = Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace(/\.\d+Z$/, "");
  const sub = String(nanos % 1_000_000_000n).padStart(9, "0");
  return text ? `${text}.${sub}Z` : `(Julian day ${day}, ${nanos} ns of the day)`;
}
