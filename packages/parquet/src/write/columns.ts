import { wordsToBigInt } from "@hygge/core";
import { type Data, type DataType, TimeUnit, Type } from "apache-arrow";

const isValid = (data: Data, i: number): boolean => {
  const bitmap = data.nullBitmap;
  if (!bitmap || data.nullCount === 0) return true;
  const j = data.offset + i;
  return ((bitmap[j >> 3]! >> (j & 7)) & 1) === 1;
};

/**
 * The values of one column (several batches' Data) in the form hyparquet-writer takes: typed
 * arrays when there are no nulls, arrays with `null` otherwise; strings and binaries as zero-copy
 * byte views; 64-bit integers, timestamps and decimals as exact BigInts.
 */
export function columnValues(parts: Data[]): ArrayLike<unknown> {
  const total = parts.reduce((n, d) => n + d.length, 0);
  const nulls = parts.reduce((n, d) => n + d.nullCount, 0);
  if (nulls === 0 && parts.length === 1) {
    const fast = typedView(parts[0]!);
    if (fast) return fast;
  }
  const out = new Array<unknown>(total);
  let o = 0;
  for (const data of parts) {
    for (let i = 0; i < data.length; i++) out[o++] = valueAt(data, i);
  }
  return out;
}

/** Zero-copy typed views for null-free primitive columns hyparquet-writer writes natively. */
function typedView(data: Data): ArrayLike<unknown> | undefined {
  const t = data.type as DataType;
  const v = data.values as unknown as { subarray(a: number, b: number): ArrayLike<unknown> };
  const slice = () => v.subarray(0, data.length); // Arrow slices value buffers, not bitmaps
  if (t.typeId === Type.Float)
    return (t as unknown as { precision: number }).precision === 0 ? undefined : slice();
  if (t.typeId === Type.Int) {
    const { bitWidth, isSigned } = t as unknown as { bitWidth: number; isSigned: boolean };
    if (bitWidth === 32 && isSigned) return slice();
    if (bitWidth === 64 && isSigned) return slice();
    return undefined;
  }
  if (t.typeId === Type.Date && (t as unknown as { unit: number }).unit === 0) return slice();
  return undefined;
}

/** Row `i` of `data` as a JS value for hyparquet-writer (exact; lists as arrays, structs as objects). */
export function valueAt(data: Data, i: number): unknown {
  if (!isValid(data, i)) return null;
  const t = data.type as DataType & Record<string, unknown>;
  // Arrow slices value and offset buffers but not bit-packed ones (validity, booleans).
  const j = i;
  switch (t.typeId) {
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      const b = data.offset + i;
      return ((bits[b >> 3]! >> (b & 7)) & 1) === 1;
    }
    case Type.Int:
    case Type.Date:
    case Type.Time:
      return (data.values as unknown as ArrayLike<unknown>)[j];
    case Type.Float: {
      if ((t as unknown as { precision: number }).precision === 0)
        return float16((data.values as Uint16Array)[j]!);
      return (data.values as Float64Array)[j];
    }
    case Type.Timestamp: {
      const v = (data.values as unknown as BigInt64Array)[j]!;
      return (t as unknown as { unit: TimeUnit }).unit === TimeUnit.SECOND ? v * 1000n : v;
    }
    case Type.Decimal: {
      const words = (t as unknown as { bitWidth: number }).bitWidth / 32;
      return wordsToBigInt(data.values as Uint32Array, j * words, words);
    }
    case Type.Utf8:
    case Type.Binary: {
      const offsets = data.valueOffsets as Int32Array;
      return (data.values as Uint8Array).subarray(offsets[j]!, offsets[j + 1]!);
    }
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const offsets = data.valueOffsets as unknown as BigInt64Array;
      return (data.values as Uint8Array).subarray(Number(offsets[j]!), Number(offsets[j + 1]!));
    }
    case Type.FixedSizeBinary: {
      const w = (t as unknown as { byteWidth: number }).byteWidth;
      return (data.values as Uint8Array).subarray(j * w, (j + 1) * w);
    }
    case Type.List:
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0]!;
      const out: unknown[] = [];
      for (let k = offsets[j]!; k < offsets[j + 1]!; k++) out.push(valueAt(child, k));
      return out;
    }
    case Type.Struct: {
      const out: Record<string, unknown> = {};
      t.children.forEach((f: { name: string }, c: number) => {
        out[f.name] = valueAt(data.children[c]!, i);
      });
      return out;
    }
    default:
      throw new Error(`cannot write a value of Arrow type ${String(t)}`);
  }
}

function float16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
