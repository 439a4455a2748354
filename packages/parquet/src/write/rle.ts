/** ULEB128 varint. */
export function varint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** One RLE run of `count` copies of `value` (`width` bits). */
export function rleRun(count: number, value: number, width: number): Uint8Array {
  const header = varint(count << 1);
  const bytes = Math.ceil(width / 8);
  const out = new Uint8Array(header.length + bytes);
  out.set(header);
  for (let b = 0; b < bytes; b++) out[header.length + b] = (value >>> (8 * b)) & 0xff;
  return out;
}

/** `values` as one bit-packed run of `width`-bit values (RLE/bit-packing hybrid), padded to groups of 8. */
export function bitPacked(values: Int32Array, width: number): Uint8Array {
  const groups = Math.ceil(values.length / 8);
  const header = varint((groups << 1) | 1);
  const out = new Uint8Array(header.length + groups * width);
  out.set(header);
  let o = header.length;
  const n = groups * 8;
  if (width <= 24) {
    // Integer bit buffer: at most 7 pending bits + 24 new ones fit in 32 bits.
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      acc |= (i < values.length ? values[i]! : 0) << bits;
      bits += width;
      while (bits >= 8) {
        out[o++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    return out;
  }
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const v = i < values.length ? values[i]! : 0;
    acc += v * 2 ** bits;
    bits += width;
    while (bits >= 8) {
      out[o++] = acc & 0xff;
      acc = Math.floor(acc / 256);
      bits -= 8;
    }
  }
  return out;
}
