import type { SchemaElement } from "hyparquet";
import type { Gathered, Physical } from "./gather.js";
import { bin, bool, i64, struct, type TValue } from "./thrift.js";

/**
 * Chunk statistics as the thrift Statistics struct: null_count, min_value/max_value in the
 * physical type's plain encoding, nan_count for floats. Long byte-array bounds are truncated
 * (flagged inexact) so a column of long strings does not bloat the footer.
 */
export function statistics(
  g: Gathered,
  physical: Physical,
  element: SchemaElement,
  dictionary?: Uint8Array[],
): TValue {
  const nulls = i64(g.nulls);
  const unsigned = element.converted_type === "UINT_32" || element.converted_type === "UINT_64";
  // Unsigned and wide-decimal columns carry null counts only (their min/max need other orderings).
  if (unsigned || physical === "FIXED_LEN_BYTE_ARRAY") return struct([3, nulls]);
  if (physical === "BOOLEAN") {
    const v = g.values as Uint8Array;
    if (v.length === 0) return struct([3, nulls]);
    return minMax(nulls, Uint8Array.of(v.includes(1) ? 1 : 0), Uint8Array.of(v.includes(0) ? 0 : 1));
  }
  if (physical === "BYTE_ARRAY") {
    const list =
      dictionary ??
      Array.from({ length: g.offsets!.length - 1 }, (_, i) =>
        g.bytes!.subarray(g.offsets![i]!, g.offsets![i + 1]!),
      );
    let min: Uint8Array | undefined;
    let max: Uint8Array | undefined;
    for (const b of list) {
      if (min === undefined || compareBytes(b, min) < 0) min = b;
      if (max === undefined || compareBytes(b, max) > 0) max = b;
    }
    if (!min || !max) return struct([3, nulls]);
    const [lo, loExact] = truncateBound(min, element, false);
    const [hi, hiExact] = truncateBound(max, element, true);
    // Copies: a view would keep the whole row group's bytes alive until the footer is written.
    return struct(
      [3, nulls],
      [5, bin(hi.slice())],
      [6, bin(lo.slice())],
      [7, hiExact ? undefined : bool(false)],
      [8, loExact ? undefined : bool(false)],
    );
  }
  if (g.values instanceof BigInt64Array) {
    const [lo, hi] = bigRange(g.values);
    if (lo === undefined || hi === undefined) return struct([3, nulls]);
    const b = new BigInt64Array([hi, lo]);
    return minMax(nulls, bytesOf(b.subarray(0, 1)), bytesOf(b.subarray(1, 2)));
  }
  const vals = g.values! as unknown as ArrayLike<number>;
  let lo: number | undefined;
  let hi: number | undefined;
  let nan = 0;
  for (let i = 0; i < vals.length; i++) {
    const x = vals[i]!;
    if (Number.isNaN(x)) {
      nan++;
      continue;
    }
    if (lo === undefined || x < lo) lo = x;
    if (hi === undefined || x > hi) hi = x;
  }
  const float = physical === "FLOAT" || physical === "DOUBLE";
  const nanCount = float ? i64(nan) : undefined;
  if (lo === undefined || hi === undefined) return struct([3, nulls], [9, nanCount]);
  // Zero bounds are written as -0 (min) and +0 (max), as the spec asks, so either zero matches.
  if (lo === 0) lo = -0;
  if (hi === 0) hi = 0;
  const make = physical === "FLOAT" ? Float32Array : physical === "DOUBLE" ? Float64Array : Int32Array;
  const b = new make([hi, lo]);
  return struct(
    [3, nulls],
    [5, bin(bytesOf(b.subarray(0, 1)))],
    [6, bin(bytesOf(b.subarray(1, 2)))],
    [9, nanCount],
  );
}

function minMax(nulls: TValue, max: Uint8Array, min: Uint8Array): TValue {
  return struct([3, nulls], [5, bin(max)], [6, bin(min)]);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

const TRUNCATE = 16;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const encode = new TextEncoder();

/**
 * A bound of at most 16 bytes: a prefix for a min, a prefix rounded up for a max (on a code point
 * boundary for strings). JSON bounds are kept whole (a prefix of a document is not one), as is a
 * max with no shorter upper bound. Returns the bound and whether it is exact.
 */
function truncateBound(bytes: Uint8Array, element: SchemaElement, isMax: boolean): [Uint8Array, boolean] {
  if (bytes.length <= TRUNCATE) return [bytes, true];
  const json = element.converted_type === "JSON" || element.logical_type?.type === "JSON";
  if (json || element.converted_type === "DECIMAL") return [bytes, true];
  const text = element.converted_type === "UTF8" || element.logical_type?.type === "STRING";
  let end = TRUNCATE;
  if (text) while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  if (!isMax) return [bytes.slice(0, end), false];
  if (text) {
    let s: string;
    try {
      s = utf8.decode(bytes.subarray(0, end));
    } catch {
      return byteMax(bytes);
    }
    const points = Array.from(s, (c) => c.codePointAt(0)!);
    for (let i = points.length - 1; i >= 0; i--) {
      const p = points[i]!;
      if (p === 0x10ffff) continue;
      const up = encode.encode(String.fromCodePoint(...points.slice(0, i), p === 0xd7ff ? 0xe000 : p + 1));
      if (up.length <= TRUNCATE) return [up, false];
    }
    return [bytes, true];
  }
  return byteMax(bytes);
}

function byteMax(bytes: Uint8Array): [Uint8Array, boolean] {
  const prefix = bytes.slice(0, TRUNCATE);
  let i = prefix.length - 1;
  while (i >= 0 && prefix[i] === 0xff) i--;
  if (i < 0) return [bytes, true];
  const out = prefix.slice(0, i + 1);
  out[i]! += 1;
  return [out, false];
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
