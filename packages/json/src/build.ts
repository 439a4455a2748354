import { bigIntToWords } from "@hygge/core";
import {
  type Data,
  type DataType,
  type Decimal,
  type Field,
  type FixedSizeBinary,
  type Float,
  type Int,
  type List,
  makeData,
  Precision,
  type Struct,
  Type,
} from "apache-arrow";

function validity(cells: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array((cells.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < cells.length; i++) {
    if (cells[i] === null) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap, nullCount };
}

function intArray(type: Int, n: number) {
  const ctor = {
    8: type.isSigned ? Int8Array : Uint8Array,
    16: type.isSigned ? Int16Array : Uint16Array,
    32: type.isSigned ? Int32Array : Uint32Array,
    64: type.isSigned ? BigInt64Array : BigUint64Array,
  }[type.bitWidth as 8 | 16 | 32 | 64];
  return new ctor(n);
}

/**
 * 64-bit cells: a bigint, or a safe integer as a number, written as two 32-bit halves (a BigInt
 * per cell is most of the garbage of an int64 column). Little-endian, as Arrow's buffers.
 */
function write64(data: BigInt64Array | BigUint64Array, cells: readonly unknown[]): void {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (typeof c === "number") {
      const high = Math.floor(c / 4294967296);
      words[2 * i] = c - high * 4294967296;
      words[2 * i + 1] = high; // two's complement for a negative high word, by Uint32Array's wrap
    } else if (c !== null && c !== undefined) data[i] = c as bigint;
  }
}

/** Converted cells (see convert.ts) → the Arrow data of one column of `field`'s type. */
export function buildData(field: Field, cells: readonly unknown[]): Data {
  return build(field.type, cells);
}

function build(type: DataType, cells: readonly unknown[]): Data {
  const length = cells.length;
  const { nullBitmap, nullCount } = validity(cells);
  const base = { type, length, nullCount, nullBitmap } as Record<string, unknown>;
  switch (type.typeId) {
    case Type.Bool: {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (cells[i] === true) data[i >> 3]! |= 1 << (i & 7);
      return makeData({ ...base, data } as never);
    }
    case Type.Int:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp: {
      const data =
        type.typeId === Type.Int
          ? intArray(type as Int, length)
          : type.typeId === Type.Date || (type.typeId === Type.Time && (type as Int).bitWidth === 32)
            ? new Int32Array(length)
            : new BigInt64Array(length);
      if (data instanceof BigInt64Array || data instanceof BigUint64Array) write64(data, cells);
      else for (let i = 0; i < length; i++) (data as unknown as unknown[])[i] = cells[i] ?? 0;
      return makeData({ ...base, data } as never);
    }
    case Type.Float: {
      const p = (type as Float).precision;
      const data = p === Precision.SINGLE ? new Float32Array(length) : new Float64Array(length);
      for (let i = 0; i < length; i++) data[i] = (cells[i] as number | null) ?? 0;
      return makeData({ ...base, data } as never);
    }
    case Type.Decimal: {
      const words = (type as Decimal).bitWidth / 32;
      const data = new Uint32Array(length * words);
      for (let i = 0; i < length; i++)
        if (cells[i] !== null) bigIntToWords(cells[i] as bigint, words, data, i * words);
      return makeData({ ...base, data } as never);
    }
    case Type.Utf8:
    case Type.Binary: {
      // Sizes first, then one buffer written in place: no intermediate array per string.
      const valueOffsets = new Int32Array(length + 1);
      let total = 0;
      for (let i = 0; i < length; i++) {
        const c = cells[i];
        if (c !== null) total += typeof c === "string" ? Buffer.byteLength(c) : (c as Uint8Array).length;
        valueOffsets[i + 1] = total;
      }
      const data = Buffer.allocUnsafe(total);
      for (let i = 0; i < length; i++) {
        const c = cells[i];
        if (typeof c === "string") data.write(c, valueOffsets[i]!);
        else if (c !== null) data.set(c as Uint8Array, valueOffsets[i]!);
      }
      return makeData({ ...base, valueOffsets, data } as never);
    }
    case Type.FixedSizeBinary: {
      const width = (type as FixedSizeBinary).byteWidth;
      const data = new Uint8Array(length * width);
      for (let i = 0; i < length; i++) if (cells[i] !== null) data.set(cells[i] as Uint8Array, i * width);
      return makeData({ ...base, data } as never);
    }
    case Type.List: {
      const valueOffsets = new Int32Array(length + 1);
      const items: unknown[] = [];
      for (let i = 0; i < length; i++) {
        const c = cells[i] as unknown[] | null;
        if (c) for (const x of c) items.push(x);
        valueOffsets[i + 1] = items.length;
      }
      const child = build((type as List).valueType, items);
      return makeData({ ...base, valueOffsets, child } as never);
    }
    case Type.Struct: {
      const fields = (type as Struct).children;
      const children = fields.map((f, k) =>
        build(
          f.type,
          cells.map((c) => (c === null ? null : (c as unknown[])[k])),
        ),
      );
      return makeData({ ...base, children } as never);
    }
    default:
      throw new Error(`no builder for ${type}`);
  }
}
