import {
  type Data,
  type DataType,
  type DateDay,
  type Decimal,
  type FixedSizeBinary,
  type Float,
  type Int,
  type List,
  makeData,
  Precision,
  type Struct,
  Type,
} from "apache-arrow";
import { bigIntToWords } from "../arrow/values.js";

/**
 * Cells (see cells.ts: already checked and converted) → the Arrow data of one column, writing the
 * buffers directly: no float on the way for 64-bit values or decimals.
 */
export function buildData(type: DataType, cells: readonly unknown[]): Data {
  const length = cells.length;
  const nullBitmap = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (cells[i] === null) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
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
      const data = new (arrayType(type))(length);
      for (let i = 0; i < length; i++) if (cells[i] !== null) (data as unknown as unknown[])[i] = cells[i];
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
      const encoded = cells.map((c) =>
        c === null ? null : typeof c === "string" ? Buffer.from(c, "utf8") : (c as Uint8Array),
      );
      const valueOffsets = new Int32Array(length + 1);
      let total = 0;
      for (let i = 0; i < length; i++) {
        total += encoded[i]?.length ?? 0;
        if (total > 0x7fffffff) throw new RangeError("a string or binary column over 2 GiB in one batch");
        valueOffsets[i + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let i = 0; i < length; i++) if (encoded[i]) data.set(encoded[i]!, valueOffsets[i]!);
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
      const child = buildData((type as List).valueType, items);
      return makeData({ ...base, valueOffsets, child } as never);
    }
    case Type.Struct: {
      const children = (type as Struct).children.map((f, k) =>
        buildData(
          f.type,
          cells.map((c) => (c === null ? null : (c as unknown[])[k])),
        ),
      );
      return makeData({ ...base, children } as never);
    }
    default:
      throw new RangeError(`no builder for ${String(type)}`);
  }
}

type TypedCtor = new (n: number) => ArrayLike<unknown>;

function arrayType(type: DataType): TypedCtor {
  if (type.typeId === Type.Int) {
    const t = type as Int;
    return {
      8: t.isSigned ? Int8Array : Uint8Array,
      16: t.isSigned ? Int16Array : Uint16Array,
      32: t.isSigned ? Int32Array : Uint32Array,
      64: t.isSigned ? BigInt64Array : BigUint64Array,
    }[t.bitWidth as 8 | 16 | 32 | 64];
  }
  if (type.typeId === Type.Date) return (type as DateDay).unit === 0 ? Int32Array : BigInt64Array;
  if (type.typeId === Type.Time) return (type as Int).bitWidth === 32 ? Int32Array : BigInt64Array;
  return BigInt64Array;
}
