/** Bit `i` of an LSB-first bitmap (DuckDB's validity words and Arrow's null bitmap share this order). */
export function bit(mask: Uint8Array, i: number): boolean {
  return ((mask[i >> 3]! >> (i & 7)) & 1) === 1;
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
});

/** An Arrow validity bitmap filled from DuckDB validity masks, chunk slice by chunk slice. */
export class ValidityBuilder {
  private bits: Uint8Array;

  constructor(private readonly capacity: number) {
    this.bits = new Uint8Array(Math.ceil(capacity / 8) || 1);
  }

  /** Rows `start … start+count` of `mask` (null: all valid) become rows `at …` of the bitmap. */
  append(mask: Uint8Array | null, start: number, count: number, at: number): void {
    const bits = this.bits;
    let i = 0;
    // Unaligned head (or everything, when source and target are not aligned alike).
    const aligned = (start & 7) === (at & 7);
    while (i < count && (!aligned || ((at + i) & 7) !== 0)) {
      this.set(at + i, mask === null || bit(mask, start + i));
      i++;
    }
    const whole = (count - i) >> 3;
    if (whole > 0) {
      const to = (at + i) >> 3;
      if (mask === null) bits.fill(0xff, to, to + whole);
      else bits.set(mask.subarray((start + i) >> 3, ((start + i) >> 3) + whole), to);
      i += whole * 8;
    }
    for (; i < count; i++) this.set(at + i, mask === null || bit(mask, start + i));
  }

  private set(i: number, valid: boolean): void {
    if (valid) this.bits[i >> 3]! |= 1 << (i & 7);
    else this.bits[i >> 3]! &= ~(1 << (i & 7));
  }

  /** The bitmap of the first `length` rows and its null count; the builder starts empty again. */
  finish(length: number): { nullBitmap: Uint8Array; nullCount: number } {
    const nullBitmap = this.bits.subarray(0, Math.ceil(length / 8));
    let valid = 0;
    const full = length >> 3;
    for (let b = 0; b < full; b++) valid += POPCOUNT[nullBitmap[b]!]!;
    for (let i = full * 8; i < length; i++) if (bit(nullBitmap, i)) valid++;
    this.bits = new Uint8Array(Math.ceil(this.capacity / 8) || 1);
    return { nullBitmap, nullCount: length - valid };
  }
}
