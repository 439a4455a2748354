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

/** The row values of one part as a dense typed array of the physical type (decimals narrowed, booleans unpacked). */
function dense(
  d: Data,
  physical: Physical,
): ArrayLike<number | bigint> & { subarray(a: number, b: number): never } {
  const t = d.type as DataType;
  if (t.typeId === Type.Bool) {
    const out = new Uint8Array(d.length);
    const bits = d.values as Uint8Array;
    for (let i = 0; i < d.length; i++) {
      const j = d.offset + i;
      out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
    }
    return out as never;
  }
  if (t.typeId !== Type.Decimal) return d.values as never;
  const words = d.values as Uint32Array;
  const stride = (t as unknown as { bitWidth: number }).bitWidth / 32;
  if (physical === "INT32") {
    const out = new Int32Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const lo = words[i * stride]! | 0;
      const ext = lo < 0 ? 0xffffffff : 0;
      for (let w = 1; w < stride; w++)
        if (words[i * stride + w] !== ext && isValidAt(d, i))
          throw new UnwritableError(
            `a decimal value exceeds its precision ${(t as unknown as { precision: number }).precision}`,
          );
      out[i] = lo;
    }
    return out as never;
  }
  const view = new BigInt64Array(words.buffer, words.byteOffset, d.length * (stride / 2));
  const out = new BigInt64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = view[i * (stride / 2)]!;
    const ext = v < 0n ? 0xffffffff : 0;
    for (let w = 2; w < stride; w++)
      if (words[i * stride + w] !== ext && isValidAt(d, i))
        throw new UnwritableError(
          `a decimal value exceeds its precision ${(t as unknown as { precision: number }).precision}`,
        );
    out[i] = v;
  }
  return out as never;
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

function isValidAt(d: Data, i: number): boolean {
  const bm = d.nullBitmap;
  if (!bm || d.nullCount === 0) return true;
  const j = d.offset + i;
  return ((bm[j >> 3]! >> (j & 7)) & 1) === 1;
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
  let nulls = 0;
  let r = 0;
  let count = 0;
  const present: Uint8Array[] = [];
  for (const d of parts) {
    const bm = d.nullCount !== 0 ? d.nullBitmap : undefined;
    const mask = new Uint8Array(d.length);
    if (!bm) {
      mask.fill(1);
      setBits(validity, r, d.length);
      r += d.length;
      count += d.length;
    } else {
      for (let i = 0; i < d.length; i++) {
        const j = d.offset + i;
        if (((bm[j >> 3]! >> (j & 7)) & 1) === 1) {
          validity[r >> 3]! |= 1 << (r & 7);
          mask[i] = 1;
          count++;
        } else nulls++;
        r++;
      }
    }
    present.push(mask);
  }
  if (physical === "FIXED_LEN_BYTE_ARRAY")
    return { rows, nulls, validity, fixed: decimalBytes(parts, present, count, width) };
  if (physical === "BYTE_ARRAY") {
    const offsets = new Int32Array(count + 1);
    let total = 0;
    let v = 0;
    parts.forEach((d, p) => {
      const off = d.valueOffsets as Int32Array;
      const mask = present[p]!;
      for (let i = 0; i < d.length; i++) if (mask[i]) offsets[++v] = total += off[i + 1]! - off[i]!;
    });
    // Int32 offsets: past 2 GiB they would wrap around and corrupt the values.
    if (total > 2 ** 31 - 1)
      throw new UnwritableError(
        `the values of one row group pass 2 GiB (${total} bytes); lower row_group_size so a row group holds less`,
      );
    const bytes = new Uint8Array(total);
    v = 0;
    parts.forEach((d, p) => {
      const off = d.valueOffsets as Int32Array;
      const data = d.values as Uint8Array;
      const mask = present[p]!;
      if (d.nullCount === 0) {
        bytes.set(data.subarray(off[0]!, off[d.length]!), offsets[v]!);
        v += d.length;
        return;
      }
      for (let i = 0; i < d.length; i++)
        if (mask[i]) bytes.set(data.subarray(off[i]!, off[i + 1]!), offsets[v++]!);
    });
    return { rows, nulls, validity, offsets, bytes };
  }
  const Ctor = ARRAYS[physical as keyof typeof ARRAYS];
  const values = new Ctor(count);
  let v = 0;
  parts.forEach((d, p) => {
    const src = dense(d, physical) as unknown as ArrayLike<number> & {
      subarray(a: number, b: number): never;
    };
    if (d.nullCount === 0 || !d.nullBitmap) {
      (values as Int32Array).set(src.subarray(0, d.length), v);
      v += d.length;
      return;
    }
    const mask = present[p]!;
    const out = values as unknown as number[];
    for (let i = 0; i < d.length; i++) if (mask[i]) out[v++] = src[i]!;
  });
  return { rows, nulls, validity, values };
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
