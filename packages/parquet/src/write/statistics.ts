import type { SchemaElement } from "hyparquet";
import type { Gathered, Physical } from "./gather.js";

/** Chunk statistics in the form hyparquet-writer serialises (min/max as JS values). */
export function statistics(
  g: Gathered,
  physical: Physical,
  element: SchemaElement,
  dictionary?: Uint8Array[],
) {
  const null_count = BigInt(g.nulls);
  const unsigned = element.converted_type === "UINT_32" || element.converted_type === "UINT_64";
  // Unsigned and wide-decimal columns carry null counts only (their min/max need other orderings).
  if (unsigned || physical === "FIXED_LEN_BYTE_ARRAY") return { null_count };
  if (physical === "BOOLEAN") {
    const v = g.values as Uint8Array;
    if (v.length === 0) return { null_count };
    return { null_count, min_value: !v.includes(0), max_value: v.includes(1) };
  }
  const decimal = element.converted_type === "DECIMAL";
  let min: unknown;
  let max: unknown;
  if (physical === "BYTE_ARRAY") {
    const list =
      dictionary ??
      Array.from({ length: g.offsets!.length - 1 }, (_, i) =>
        g.bytes!.subarray(g.offsets![i]!, g.offsets![i + 1]!),
      );
    for (const b of list) {
      if (min === undefined || compareBytes(b, min as Uint8Array) < 0) min = b;
      if (max === undefined || compareBytes(b, max as Uint8Array) > 0) max = b;
    }
    // Copies: a view would keep the whole row group's bytes alive until the footer is written.
    min = (min as Uint8Array | undefined)?.slice();
    max = (max as Uint8Array | undefined)?.slice();
  } else if (g.values instanceof BigInt64Array) {
    const [lo, hi] = bigRange(g.values);
    if (lo !== undefined) {
      min = lo;
      max = hi;
    }
  } else {
    const vals = g.values! as unknown as ArrayLike<number>;
    let lo = vals[0];
    let hi = vals[0];
    let nan = 0;
    for (let i = 0; i < vals.length; i++) {
      const x = vals[i]!;
      if (Number.isNaN(x)) {
        nan++;
        continue;
      }
      if (lo === undefined || Number.isNaN(lo) || x < lo) lo = x;
      if (hi === undefined || Number.isNaN(hi) || x > hi) hi = x;
    }
    if (lo !== undefined && !Number.isNaN(lo)) {
      min = Object.is(lo, 0) ? -0 : lo;
      max = Object.is(hi, -0) ? 0 : hi;
      // hyparquet-writer scales numbers for DECIMAL statistics; BigInts are taken as unscaled.
      if (decimal) {
        min = BigInt(lo as number | bigint);
        max = BigInt(hi as number | bigint);
      }
    }
    if (physical === "FLOAT" || physical === "DOUBLE")
      return { null_count, min_value: min, max_value: max, nan_count: BigInt(nan) };
  }
  return { null_count, min_value: min, max_value: max };
}

/** Min and max of 64-bit values compared as two 32-bit halves (no BigInt per value). */
function bigRange(values: BigInt64Array): [bigint | undefined, bigint | undefined] {
  if (values.length === 0) return [undefined, undefined];
  const w = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  let iMin = 0;
  let iMax = 0;
  let minHi = w[1]!;
  let minLo = w[0]! >>> 0;
  let maxHi = minHi;
  let maxLo = minLo;
  for (let i = 1; i < values.length; i++) {
    const hi = w[2 * i + 1]!;
    const lo = w[2 * i]! >>> 0;
    if (hi < minHi || (hi === minHi && lo < minLo)) {
      minHi = hi;
      minLo = lo;
      iMin = i;
    }
    if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxHi = hi;
      maxLo = lo;
      iMax = i;
    }
  }
  return [values[iMin]!, values[iMax]!];
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
