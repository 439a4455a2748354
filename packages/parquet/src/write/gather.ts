import { type Data, type DataType, Type } from "apache-arrow";
import { UnwritableError } from "./schema.js";

/** Parquet physical types the columnar encoder writes. */
export type Physical =
  | "INT32"
  | "INT64"
  | "FLOAT"
  | "DOUBLE"
  | "BYTE_ARRAY"
  | "BOOLEAN"
  | "FIXED_LEN_BYTE_ARRAY";

export const ARRAYS = {
  INT32: Int32Array,
  INT64: BigInt64Array,
  FLOAT: Float32Array,
  DOUBLE: Float64Array,
  BOOLEAN: Uint8Array,
} as const;

/** The row values of a boolean part, one byte each (Arrow packs them as bits). */
function dense(d: Data, _physical: Physical): Uint8Array {
  const out = new Uint8Array(d.length);
  const bits = d.values as Uint8Array;
  for (let i = 0; i < d.length; i++) {
    const j = d.offset + i;
    out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
  }
  return out;
}

/** Decimal128/256 words (little-endian) → big-endian bytes of the column's type_length. */
function decimalBytes(parts: Data[], present: Uint8Array[], count: number, width: number): Uint8Array {
  const out = new Uint8Array(count * width);
  let o = 0;
  parts.forEach((d, p) => {
    const t = d.type as unknown as { bitWidth: number; precision: number };
    const size = t.bitWidth / 8;
    const words = d.values as Uint32Array;
    const bytes = new Uint8Array(words.buffer, words.byteOffset, d.length * size);
    const mask = present[p]!;
    for (let i = 0; i < d.length; i++) {
      if (!mask[i]) continue;
      const base = i * size;
      const ext = bytes[base + size - 1]! & 0x80 ? 0xff : 0;
      for (let k = width; k < size; k++)
        if (bytes[base + k] !== ext)
          throw new UnwritableError(`a decimal value exceeds its precision ${t.precision}`);
      for (let k = 0; k < width; k++) out[o + k] = k < size ? bytes[base + width - 1 - k]! : ext;
      o += width;
    }
  });
  return out;
}

export interface Gathered {
  rows: number;
  nulls: number;
  /** Validity of every row (bit set = value present), LSB first: exactly Parquet's bit-packed def levels. */
  validity: Uint8Array;
  /** Non-null values: a typed array, or offsets + bytes for BYTE_ARRAY. */
  values?: Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;
  /** FIXED_LEN_BYTE_ARRAY decimals: big-endian two's complement, `width` bytes each. */
  fixed?: Uint8Array;
  offsets?: Int32Array;
  bytes?: Uint8Array;
}

export function gather(parts: Data[], physical: Physical, width: number): Gathered {
  const rows = parts.reduce((n, d) => n + d.length, 0);
  const validity = new Uint8Array(((rows + 63) >> 6) << 3);
  let r = 0;
  let count = 0;
  for (const d of parts) {
    const bm = bitmapOf(d);
    if (!bm) setBits(validity, r, d.length);
    else copyBits(bm, d.offset, validity, r, d.length);
    count += bm ? popcountBits(validity, r, r + d.length) : d.length;
    r += d.length;
  }
  const nulls = rows - count;
  if (physical === "FIXED_LEN_BYTE_ARRAY") {
    const present = parts.map((d) => {
      const bm = bitmapOf(d);
      const mask = new Uint8Array(d.length);
      for (let i = 0; i < d.length; i++) mask[i] = bm ? bitAt(bm, d.offset + i) : 1;
      return mask;
    });
    return { rows, nulls, validity, fixed: decimalBytes(parts, present, count, width) };
  }
  if (physical === "BYTE_ARRAY") return { rows, nulls, validity, ...gatherBytes(parts, count) };
  if (physical === "BOOLEAN") {
    const values = new Uint8Array(count);
    let v = 0;
    for (const d of parts) {
      const src = dense(d, physical) as unknown as Uint8Array;
      v = selectWords(src, 1, bitmapOf(d), d.offset, d.length, values, v);
    }
    return { rows, nulls, validity, values };
  }
  // Fixed-width values move as 32-bit words (two per 64-bit value): no BigInt per value.
  const Ctor = ARRAYS[physical as keyof typeof ARRAYS];
  const values = new Ctor(count);
  const words = new Int32Array(values.buffer);
  const per = Ctor.BYTES_PER_ELEMENT >> 2;
  let v = 0;
  for (const d of parts) {
    const bm = bitmapOf(d);
    if ((d.type as DataType).typeId === Type.Decimal) v = decimalWords(d, per, bm, words, v);
    else {
      let src = d.values as Int32Array;
      // Int8/Int16 (and unsigned) values widen to INT32 elementwise, as Parquet stores them.
      if (src.BYTES_PER_ELEMENT !== Ctor.BYTES_PER_ELEMENT) src = Int32Array.from(src.subarray(0, d.length));
      const view = new Int32Array(src.buffer, src.byteOffset, d.length * per);
      v = selectWords(view, per, bm, d.offset, d.length, words, v);
    }
  }
  return { rows, nulls, validity, values };
}

/** The validity bitmap of a part with nulls, or undefined when every value is present. */
function bitmapOf(d: Data): Uint8Array | undefined {
  return d.nullCount !== 0 && d.nullBitmap && d.nullBitmap.length > 0 ? d.nullBitmap : undefined;
}

const bitAt = (bits: Uint8Array, j: number) => (bits[j >> 3]! >> (j & 7)) & 1;

/** Appends the present values of a part (`per` elements each) to `out` from element `v * per`; returns the new `v`. */
function selectWords<A extends Int32Array | Uint8Array>(
  src: A,
  per: number,
  bm: Uint8Array | undefined,
  offset: number,
  length: number,
  out: A,
  v: number,
): number {
  if (!bm) {
    out.set(src.subarray(0, length * per), v * per);
    return v + length;
  }
  let o = v * per;
  if (per === 1) {
    for (let i = 0; i < length; i++) {
      const j = offset + i;
      if ((bm[j >> 3]! >> (j & 7)) & 1) out[o++] = src[i]!;
    }
  } else {
    for (let i = 0; i < length; i++) {
      const j = offset + i;
      if ((bm[j >> 3]! >> (j & 7)) & 1) {
        out[o++] = src[2 * i]!;
        out[o++] = src[2 * i + 1]!;
      }
    }
  }
  return o / per;
}

/**
 * Decimal128/256 values narrowed to INT32 (`per` 1) or INT64 (`per` 2) words, refusing a value
 * whose dropped words are not its sign extension (it would not fit the column's precision).
 */
function decimalWords(d: Data, per: number, bm: Uint8Array | undefined, out: Int32Array, v: number): number {
  const t = d.type as unknown as { bitWidth: number; precision: number };
  const stride = t.bitWidth / 32;
  const words = d.values as Uint32Array;
  const src = new Int32Array(words.buffer, words.byteOffset, d.length * stride);
  let o = v * per;
  for (let i = 0; i < d.length; i++) {
    if (bm && !bitAt(bm, d.offset + i)) continue;
    const base = i * stride;
    const top = src[base + per - 1]!;
    const ext = top < 0 ? -1 : 0;
    for (let w = per; w < stride; w++)
      if (src[base + w] !== ext)
        throw new UnwritableError(`a decimal value exceeds its precision ${t.precision}`);
    out[o++] = src[base]!;
    if (per === 2) out[o++] = src[base + 1]!;
  }
  return o / per;
}

/** BYTE_ARRAY values: offsets of the present values and their bytes, copied run by run. */
function gatherBytes(parts: Data[], count: number): { offsets: Int32Array; bytes: Uint8Array } {
  const offsets = new Int32Array(count + 1);
  let total = 0;
  let v = 0;
  for (const d of parts) {
    const off = d.valueOffsets as Int32Array;
    const bm = bitmapOf(d);
    for (let i = 0; i < d.length; i++) {
      if (bm && !bitAt(bm, d.offset + i)) continue;
      offsets[++v] = total += off[i + 1]! - off[i]!;
    }
  }
  // Int32 offsets: past 2 GiB they would wrap around and corrupt the values.
  if (total > 2 ** 31 - 1)
    throw new UnwritableError(
      `the values of one row group pass 2 GiB (${total} bytes); lower row_group_size so a row group holds less`,
    );
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const d of parts) {
    const off = d.valueOffsets as Int32Array;
    const data = d.values as Uint8Array;
    const bm = bitmapOf(d);
    // A null usually takes no bytes: then the present values are one contiguous range.
    let from = off[0]!;
    for (let i = 0; i < d.length; i++) {
      if (!bm || bitAt(bm, d.offset + i) || off[i + 1] === off[i]) continue;
      // A null with bytes: copy the run before it, skip its bytes.
      bytes.set(data.subarray(from, off[i]!), at);
      at += off[i]! - from;
      from = off[i + 1]!;
    }
    bytes.set(data.subarray(from, off[d.length]!), at);
    at += off[d.length]! - from;
  }
  return { offsets, bytes };
}

/** Copies `count` bits from `src` at bit `from` to `dst` at bit `to` (dst bits there are 0). */
function copyBits(src: Uint8Array, from: number, dst: Uint8Array, to: number, count: number): void {
  if ((from & 7) === 0 && (to & 7) === 0) {
    const bytes = (count + 7) >> 3;
    dst.set(src.subarray(from >> 3, (from >> 3) + bytes), to >> 3);
    // Bits past the part belong to the next one: clear them.
    const tail = count & 7;
    if (tail) dst[(to >> 3) + bytes - 1]! &= (1 << tail) - 1;
    return;
  }
  for (let i = 0; i < count; i++) {
    const j = from + i;
    if ((src[j >> 3]! >> (j & 7)) & 1) dst[(to + i) >> 3]! |= 1 << ((to + i) & 7);
  }
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x; x >>= 1) n += x & 1;
  return n;
});

/** Set bits in [r0, r1). */
function popcountBits(bits: Uint8Array, r0: number, r1: number): number {
  let n = 0;
  let r = r0;
  while (r < r1 && (r & 7) !== 0) n += bitAt(bits, r++);
  for (; r + 8 <= r1; r += 8) n += POPCOUNT[bits[r >> 3]!]!;
  while (r < r1) n += bitAt(bits, r++);
  return n;
}

function setBits(bits: Uint8Array, from: number, count: number): void {
  let r = from;
  const end = from + count;
  while (r < end && (r & 7) !== 0) {
    bits[r >> 3]! |= 1 << (r & 7);
    r++;
  }
  const full = (end - r) >> 3;
  bits.fill(0xff, r >> 3, (r >> 3) + full);
  r += full * 8;
  while (r < end) {
    bits[r >> 3]! |= 1 << (r & 7);
    r++;
  }
}
