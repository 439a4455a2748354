import { type Data, type DataType, type Decimal, makeData, type Type } from "apache-arrow";

/** Converts one driver value (text or JS value) into what a builder stores. */
export type Convert<T> = (value: never) => T;

/**
 * Accumulates one column of a batch into typed arrays (no per-row objects) and hands out an
 * Arrow `Data`; `finish()` resets it for the next batch.
 */
export interface ColumnBuilder {
  readonly type: DataType;
  /** Values pushed since the last `finish()`. */
  readonly count: number;
  push(value: unknown): void;
  pushNull(): void;
  finish(): Data;
}

type NumericArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;
type NumericCtor = { new (n: number): NumericArray };

abstract class Base implements ColumnBuilder {
  protected length = 0;
  protected nulls = 0;
  protected validity: Uint8Array;
  constructor(
    readonly type: DataType,
    protected capacity: number,
  ) {
    this.validity = new Uint8Array((capacity + 7) >> 3);
  }
  get count(): number {
    return this.length;
  }
  protected grow(): void {
    this.capacity *= 2;
    const v = new Uint8Array((this.capacity + 7) >> 3);
    v.set(this.validity);
    this.validity = v;
    this.growValues();
  }
  protected abstract growValues(): void;
  protected abstract set(i: number, value: unknown): void;
  push(value: unknown): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    if (value === null || value === undefined) {
      this.nulls++;
      return;
    }
    this.validity[i >> 3]! |= 1 << (i & 7);
    this.set(i, value);
  }
  /** Reserves the next slot as valid and returns its index (decoders then write the value directly). */
  slot(): number {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.validity[i >> 3]! |= 1 << (i & 7);
    return i;
  }
  pushNull(): void {
    if (this.length === this.capacity) this.grow();
    this.length++;
    this.nulls++;
  }
  protected take(): { length: number; nullCount: number; nullBitmap: Uint8Array } {
    const out = {
      length: this.length,
      nullCount: this.nulls,
      nullBitmap: this.validity.slice(0, (this.length + 7) >> 3),
    };
    this.length = 0;
    this.nulls = 0;
    this.validity.fill(0);
    return out;
  }
  abstract finish(): Data;
}

/** Ints, floats, BigInt64 (int64, timestamps, time64), Int32 days (date32). */
export class FixedBuilder extends Base {
  private values: NumericArray;
  constructor(
    type: DataType,
    private readonly ctor: NumericCtor,
    private readonly convert: (value: any) => number | bigint,
    capacity: number,
  ) {
    super(type, capacity);
    this.values = new ctor(capacity);
  }
  protected growValues(): void {
    const v = new this.ctor(this.capacity);
    v.set(this.values as never);
    this.values = v;
  }
  protected set(i: number, value: unknown): void {
    this.values[i] = this.convert(value) as never;
  }
  /** The current value array; take it after `slot()`, which may grow it. */
  get array(): NumericArray {
    return this.values;
  }
  finish(): Data {
    const data = this.values.slice(0, this.length);
    return makeData({ type: this.type, data, ...this.take() } as never);
  }
}

export class BoolBuilder extends Base {
  private values: Uint8Array;
  constructor(
    type: DataType,
    private readonly convert: (value: any) => boolean,
    capacity: number,
  ) {
    super(type, capacity);
    this.values = new Uint8Array((capacity + 7) >> 3);
  }
  protected growValues(): void {
    const v = new Uint8Array((this.capacity + 7) >> 3);
    v.set(this.values);
    this.values = v;
  }
  protected set(i: number, value: unknown): void {
    if (this.convert(value)) this.values[i >> 3]! |= 1 << (i & 7);
  }
  pushBool(value: boolean): void {
    const i = this.slot();
    if (value) this.values[i >> 3]! |= 1 << (i & 7);
  }
  finish(): Data {
    const data = this.values.slice(0, (this.length + 7) >> 3);
    this.values.fill(0);
    return makeData({ type: this.type, data, ...this.take() } as never);
  }
}

const encoder = new TextEncoder();

/** Utf8 (from strings) and Binary (from bytes): offsets plus one growing byte buffer. */
export class VarBuilder extends Base {
  private offsets: Int32Array;
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  constructor(
    type: DataType,
    private readonly convert: (value: any) => string | Uint8Array,
    capacity: number,
  ) {
    super(type, capacity);
    this.offsets = new Int32Array(capacity + 1);
  }
  protected growValues(): void {
    const v = new Int32Array(this.capacity + 1);
    v.set(this.offsets);
    this.offsets = v;
  }
  private reserve(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.used + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.bytes.subarray(0, this.used));
    this.bytes = b;
  }
  override push(value: unknown): void {
    super.push(value);
    this.offsets[this.length] = this.used;
  }
  override pushNull(): void {
    super.pushNull();
    this.offsets[this.length] = this.used;
  }
  /** Appends raw bytes (UTF-8 text or binary) without decoding them. */
  pushBytes(source: Uint8Array, start: number, length: number): void {
    this.slot();
    this.reserve(length);
    this.bytes.set(source.subarray(start, start + length), this.used);
    this.used += length;
    this.offsets[this.length] = this.used;
  }
  protected set(_i: number, value: unknown): void {
    const v = this.convert(value);
    if (typeof v === "string") {
      this.reserve(v.length * 3);
      this.used += encoder.encodeInto(v, this.bytes.subarray(this.used)).written;
    } else {
      this.reserve(v.length);
      this.bytes.set(v, this.used);
      this.used += v.length;
    }
  }
  finish(): Data {
    const valueOffsets = this.offsets.slice(0, this.length + 1);
    const data = this.bytes.slice(0, this.used);
    this.used = 0;
    this.offsets[0] = 0;
    return makeData({ type: this.type, data, valueOffsets, ...this.take() } as never);
  }
}

/** Decimal128 / Decimal256 from unscaled BigInts, written as little-endian 32-bit words. */
export class DecimalBuilder extends Base {
  private words: Uint32Array;
  private readonly width: number;
  constructor(
    type: Decimal,
    private readonly convert: (value: any) => bigint,
    capacity: number,
  ) {
    super(type, capacity);
    this.width = type.bitWidth / 32;
    this.words = new Uint32Array(capacity * this.width);
  }
  protected growValues(): void {
    const v = new Uint32Array(this.capacity * this.width);
    v.set(this.words);
    this.words = v;
  }
  pushUnscaled(value: bigint): void {
    this.set(this.slot(), value);
  }
  protected set(i: number, value: unknown): void {
    const width = this.width;
    let v = BigInt.asUintN(width * 32, typeof value === "bigint" ? value : this.convert(value));
    for (let w = 0; w < width; w++) {
      this.words[i * width + w] = Number(v & 0xffffffffn);
      v >>= 32n;
    }
  }
  finish(): Data {
    const data = this.words.slice(0, this.length * this.width);
    this.words.fill(0);
    return makeData({ type: this.type, data, ...this.take() } as never);
  }
}

/**
 * Fixed-width values of `width` bytes each (FixedSizeBinary, Interval MonthDayNano): decoders
 * write into `bytes` at `slot() * width`.
 */
export class StrideBuilder extends Base {
  private values: Uint8Array;
  constructor(
    type: DataType,
    readonly width: number,
    capacity: number,
  ) {
    super(type, capacity);
    this.values = new Uint8Array(capacity * width);
  }
  protected growValues(): void {
    const v = new Uint8Array(this.capacity * this.width);
    v.set(this.values);
    this.values = v;
  }
  protected set(): void {
    throw new Error("StrideBuilder takes values through slot() and bytes");
  }
  /** The current byte array; take it after `slot()`, which may grow it. */
  get bytes(): Uint8Array {
    return this.values;
  }
  finish(): Data {
    const bytes = this.values.slice(0, this.length * this.width);
    this.values.fill(0);
    // Interval data is typed as Int32 words; FixedSizeBinary as bytes.
    const data =
      (this.type as DataType & { ArrayType: { BYTES_PER_ELEMENT: number } }).ArrayType.BYTES_PER_ELEMENT === 4
        ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2)
        : bytes;
    return makeData({ type: this.type, data, ...this.take() } as never);
  }
}

/** A List column: offsets into a child builder that receives the elements. */
export class ListBuilder extends Base {
  private offsets: Int32Array;
  constructor(
    type: DataType,
    readonly child: ColumnBuilder & { readonly count: number },
    capacity: number,
  ) {
    super(type, capacity);
    this.offsets = new Int32Array(capacity + 1);
  }
  protected growValues(): void {
    const v = new Int32Array(this.capacity + 1);
    v.set(this.offsets);
    this.offsets = v;
  }
  protected set(): void {
    throw new Error("ListBuilder takes values through open() and close()");
  }
  /** Starts a valid list; push its elements into `child`, then call `close()`. */
  open(): void {
    this.slot();
  }
  close(): void {
    this.offsets[this.length] = this.child.count;
  }
  override pushNull(): void {
    super.pushNull();
    this.offsets[this.length] = this.child.count;
  }
  finish(): Data {
    const valueOffsets = this.offsets.slice(0, this.length + 1);
    this.offsets[0] = 0;
    const child = this.child.finish();
    return makeData({ type: this.type, valueOffsets, child, ...this.take() } as never);
  }
}

export type { Type };
