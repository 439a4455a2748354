import type { DecodedArray } from "hyparquet";
import { readPlain } from "hyparquet/src/plain.js";

/**
 * A v1 data page of a flat column (no repetition), decoded straight into typed arrays:
 * definition levels as bytes, dictionary indices as an Int32Array. Returns undefined for
 * encodings it does not handle (the caller falls back to hyparquet's decoder).
 */
export function readFlatPageV1(
  page: Uint8Array,
  count: number,
  encoding: string,
  maxDef: number,
  type: string,
  typeLength: number | undefined,
): { defs?: Uint8Array; values: DecodedArray } | undefined {
  const dictionary = encoding === "RLE_DICTIONARY" || encoding === "PLAIN_DICTIONARY";
  if (encoding !== "PLAIN" && !dictionary) return undefined;
  if (type === "BOOLEAN") return undefined;
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  let offset = 0;
  let defs: Uint8Array | undefined;
  let present = count;
  if (maxDef > 0) {
    const length = view.getUint32(0, true);
    offset = 4;
    defs = new Uint8Array(count);
    readHybrid(page, offset, offset + length, 32 - Math.clz32(maxDef), defs);
    offset += length;
    present = 0;
    for (let i = 0; i < count; i++) if (defs[i] === maxDef) present++;
  }
  if (!dictionary) return { defs, values: readPlain({ view, offset }, type as never, present, typeLength) };
  const width = page[offset]!;
  const indexes = new Int32Array(present);
  if (width > 0) readHybrid(page, offset + 1, page.length, width, indexes);
  return { defs, values: indexes };
}

/** RLE / bit-packing hybrid decoding of `out.length` values of `width` bits from bytes[start, end). */
export function readHybrid(
  bytes: Uint8Array,
  start: number,
  end: number,
  width: number,
  out: Uint8Array | Int32Array,
): void {
  let p = start;
  let o = 0;
  const n = out.length;
  const byteWidth = (width + 7) >> 3;
  while (o < n && p < end) {
    let header = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[p++]!;
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if ((header & 1) === 0) {
      const run = Math.floor(header / 2);
      let value = 0;
      for (let k = 0; k < byteWidth; k++) value |= bytes[p++]! << (8 * k);
      const stop = Math.min(n, o + run);
      out.fill(value, o, stop);
      o = stop;
    } else {
      const values = Math.floor(header / 2) * 8;
      if (width <= 24) {
        // Integer bit buffer: fewer than width + 8 ≤ 32 bits pending.
        const mask = (1 << width) - 1;
        let acc = 0;
        let bits = 0;
        for (let i = 0; i < values; i++) {
          while (bits < width) {
            acc |= (bytes[p++] ?? 0) << bits;
            bits += 8;
          }
          if (o < n) out[o++] = acc & mask;
          acc >>>= width;
          bits -= width;
        }
        continue;
      }
      const mask = width === 32 ? -1 : (1 << width) - 1;
      let acc = 0;
      let bits = 0;
      for (let i = 0; i < values; i++) {
        while (bits < width) {
          acc += (bytes[p++] ?? 0) * 2 ** bits;
          bits += 8;
        }
        if (o < n) out[o++] = (acc % 2 ** width) & mask;
        acc = Math.floor(acc / 2 ** width);
        bits -= width;
      }
    }
  }
  if (o < n) throw new Error(`levels or indices end after ${o} of ${n} values`);
}
