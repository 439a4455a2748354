import { type Data, type Field, type Float, type Int, makeData, Precision, Type } from "apache-arrow";
import { buildData } from "./build.js";

/**
 * A column of one batch, filled cell by cell with converted values (see convert.ts; null for
 * null). Flat numbers, booleans and strings go straight into their Arrow buffers: the cells do not
 * outlive their row, so the young-generation collector has little to copy. Other types keep the
 * cells and build at the end (build.ts).
 */
export interface ColumnBuilder {
  push(cell: unknown): void;
  finish(): Data;
}

export function columnBuilder(field: Field): ColumnBuilder {
  const type = field.type;
  switch (type.typeId) {
    case Type.Float:
      return new Fixed(field, (type as Float).precision === Precision.SINGLE ? Float32Array : Float64Array);
    case Type.Int: {
      const t = type as Int;
      if (t.bitWidth === 64) return new Int64(field, t.isSigned);
      const ctor = {
        8: [Uint8Array, Int8Array],
        16: [Uint16Array, Int16Array],
        32: [Uint32Array, Int32Array],
      }[t.bitWidth as 8 | 16 | 32][t.isSigned ? 1 : 0]!;
      return new Fixed(field, ctor);
    }
    case Type.Bool:
      return new Bools(field);
    case Type.Utf8:
      return new Strings(field);
    default:
      return new Cells(field);
  }
}

const START = 1024;

/** The validity bitmap, grown with the column. */
class Validity {
  bitmap = new Uint8Array(START >> 3);
  nullCount = 0;
  length = 0;

  /** Records the next cell; true when it is valid. */
  next(valid: boolean): void {
    const i = this.length++;
    if (i >> 3 >= this.bitmap.length) {
      const grown = new Uint8Array(this.bitmap.length * 2);
      grown.set(this.bitmap);
      this.bitmap = grown;
    }
    if (valid) this.bitmap[i >> 3]! |= 1 << (i & 7);
    else this.nullCount++;
  }

  base(field: Field) {
    return {
      type: field.type,
      length: this.length,
      nullCount: this.nullCount,
      nullBitmap: this.bitmap.subarray(0, (this.length + 7) >> 3),
    };
  }
}

type NumberArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;
type NumberArrayCtor = new (n: number) => NumberArray;

function grow<T extends NumberArray | BigInt64Array | BigUint64Array>(
  data: T,
  ctor: new (n: number) => T,
): T {
  const grown = new ctor(data.length * 2);
  grown.set(data as never);
  return grown;
}

class Fixed implements ColumnBuilder {
  readonly validity = new Validity();
  data: NumberArray;

  constructor(
    readonly field: Field,
    readonly ctor: NumberArrayCtor,
  ) {
    this.data = new ctor(START);
  }

  push(cell: unknown): void {
    const i = this.validity.length;
    if (i === this.data.length) this.data = grow(this.data, this.ctor as never);
    this.validity.next(cell !== null);
    if (cell !== null) this.data[i] = cell as number;
  }

  finish(): Data {
    const data = this.data.subarray(0, this.validity.length);
    return makeData({ ...this.validity.base(this.field), data } as never);
  }
}

/** 64-bit integers: a safe integer as a number is written as two 32-bit halves, without a BigInt. */
class Int64 implements ColumnBuilder {
  readonly validity = new Validity();
  data: BigInt64Array | BigUint64Array;
  words: Uint32Array;

  constructor(
    readonly field: Field,
    readonly signed: boolean,
  ) {
    this.data = signed ? new BigInt64Array(START) : new BigUint64Array(START);
    this.words = new Uint32Array(this.data.buffer);
  }

  push(cell: unknown): void {
    const i = this.validity.length;
    if (i === this.data.length) {
      this.data = grow(this.data, (this.signed ? BigInt64Array : BigUint64Array) as never);
      this.words = new Uint32Array(this.data.buffer);
    }
    this.validity.next(cell !== null);
    if (typeof cell === "number") {
      // Little-endian, as Arrow's buffers; a negative high word wraps to two's complement.
      const high = Math.floor(cell / 4294967296);
      this.words[2 * i] = cell - high * 4294967296;
      this.words[2 * i + 1] = high;
    } else if (cell !== null) this.data[i] = cell as bigint;
  }

  finish(): Data {
    const data = this.data.subarray(0, this.validity.length);
    return makeData({ ...this.validity.base(this.field), data } as never);
  }
}

class Bools implements ColumnBuilder {
  readonly validity = new Validity();
  data = new Uint8Array(START >> 3);

  constructor(readonly field: Field) {}

  push(cell: unknown): void {
    const i = this.validity.length;
    if (i >> 3 >= this.data.length) this.data = grow(this.data, Uint8Array);
    this.validity.next(cell !== null);
    if (cell === true) this.data[i >> 3]! |= 1 << (i & 7);
  }

  finish(): Data {
    const data = this.data.subarray(0, (this.validity.length + 7) >> 3);
    return makeData({ ...this.validity.base(this.field), data } as never);
  }
}

/** UTF-8 bytes written as each string arrives, into a buffer doubled when a string may not fit. */
class Strings implements ColumnBuilder {
  readonly validity = new Validity();
  offsets = new Int32Array(START + 1);
  bytes = Buffer.allocUnsafe(START * 16);
  end = 0;

  constructor(readonly field: Field) {}

  push(cell: unknown): void {
    const i = this.validity.length;
    if (i + 1 === this.offsets.length) this.offsets = grow(this.offsets, Int32Array);
    this.validity.next(cell !== null);
    if (cell !== null) {
      const s = cell as string;
      // At most 3 bytes per UTF-16 unit; Buffer.byteLength only when that bound does not fit.
      if (this.end + s.length * 3 > this.bytes.length) {
        const need = this.end + Buffer.byteLength(s);
        if (need > this.bytes.length) {
          const grown = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
          this.bytes.copy(grown, 0, 0, this.end);
          this.bytes = grown;
        }
      }
      this.end += this.bytes.write(s, this.end);
    }
    this.offsets[i + 1] = this.end;
  }

  finish(): Data {
    const length = this.validity.length;
    // A copy of the bytes used: the batch should not pin the spare capacity.
    const data = new Uint8Array(this.end);
    data.set(this.bytes.subarray(0, this.end));
    return makeData({
      ...this.validity.base(this.field),
      valueOffsets: this.offsets.subarray(0, length + 1),
      data,
    } as never);
  }
}

class Cells implements ColumnBuilder {
  readonly cells: unknown[] = [];

  constructor(readonly field: Field) {}

  push(cell: unknown): void {
    this.cells.push(cell);
  }

  finish(): Data {
    return buildData(this.field, this.cells);
  }
}
