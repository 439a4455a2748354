import { Bool, type DataType, Float32, Float64, Int16, Int32, Int64, makeVector, Type } from "apache-arrow";
import { BoolBuilder, FixedBuilder } from "../arrow/column-builder.js";
import { type AnyType, len4, type PgReader, type PgTypeRow, same, swapped } from "./pg-type-row.js";

const bits = (t: DataType) => (t as AnyType).bitWidth as number;
const signed = (t: DataType) => (t as AnyType).isSigned as boolean;

/** A reader of fixed-width numbers decoded by `read` into a typed array. */
function fixedReader<A extends Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array>(
  type: DataType,
  ctor: { new (n: number): A },
  read: (buf: Buffer, start: number) => A[number],
): PgReader {
  return {
    type,
    builder: (capacity) => new FixedBuilder(type, ctor, () => 0, capacity),
    decoder: (b) => {
      const fixed = b as FixedBuilder;
      return (buf, start) => {
        const i = fixed.slot();
        (fixed.array as A)[i] = read(buf, start);
      };
    },
  };
}

export const boolRow: PgTypeRow = {
  name: "boolean",
  oids: [16],
  arrayOids: [1000],
  read: () => ({
    type: new Bool(),
    builder: (capacity) => new BoolBuilder(new Bool(), Boolean, capacity),
    decoder: (b) => (buf, start) => (b as BoolBuilder).pushBool(buf[start] !== 0),
  }),
  takes: (f) => f.type.typeId === Type.Bool,
  ddl: () => "boolean",
  binaryTargets: () => ["boolean"],
  encode: (data) => {
    const v = makeVector(data);
    return {
      bytes: data.length * 5,
      write: (buf, at, i) => {
        len4(buf, at, 1);
        buf[at + 4] = v.get(i) ? 1 : 0;
        return at + 5;
      },
    };
  },
  text: (data) => {
    const v = makeVector(data);
    return (i) => (v.get(i) ? "t" : "f");
  },
};

/** Arrow ints and the PostgreSQL int each lands in (unsigned ints widen to the next signed size). */
const intBytes = (t: DataType): 2 | 4 | 8 | 0 => {
  if (t.typeId !== Type.Int) return 0;
  const b = bits(t);
  if (signed(t)) return b <= 16 ? 2 : b === 32 ? 4 : 8;
  return b === 8 ? 2 : b === 16 ? 4 : b === 32 ? 8 : 0;
};

function intRow(
  name: string,
  oid: number,
  arrayOid: number,
  width: 2 | 4 | 8,
  reader: () => PgReader,
): PgTypeRow {
  return {
    name,
    oids: [oid],
    arrayOids: [arrayOid],
    read: reader,
    takes: (f) => intBytes(f.type) === width,
    ddl: () => name,
    binaryTargets: () => [name],
    encode: (data) => {
      const t = data.type;
      const values = data.values as any;
      const bytes = data.length * (4 + width);
      // Same width and signed: a byte swap. Narrower or unsigned: widened value by value.
      if (signed(t) && bits(t) === width * 8) return { bytes, write: swapped(values, width) };
      if (width === 2)
        return {
          bytes,
          write: (buf, at, i) => {
            len4(buf, at, 2);
            buf.writeInt16BE(values[i], at + 4);
            return at + 6;
          },
        };
      if (width === 4)
        return {
          bytes,
          write: (buf, at, i) => {
            len4(buf, at, 4);
            buf.writeInt32BE(values[i], at + 4);
            return at + 8;
          },
        };
      return {
        bytes,
        write: (buf, at, i) => {
          len4(buf, at, 8);
          buf.writeBigInt64BE(BigInt(values[i]), at + 4);
          return at + 12;
        },
      };
    },
    text: same,
  };
}

export const int2Row = intRow("smallint", 21, 1005, 2, () =>
  fixedReader(new Int16(), Int16Array, (b, s) => b.readInt16BE(s)),
);
export const int4Row = intRow("integer", 23, 1007, 4, () =>
  fixedReader(new Int32(), Int32Array, (b, s) => b.readInt32BE(s)),
);
export const int8Row = intRow("bigint", 20, 1016, 8, () =>
  fixedReader(new Int64(), BigInt64Array, (b, s) => b.readBigInt64BE(s)),
);

/** oid (unsigned 32-bit) reads as Int64; written back it is a bigint. */
export const oidRow: PgTypeRow = {
  name: "oid",
  oids: [26],
  arrayOids: [1028],
  read: () => fixedReader(new Int64(), BigInt64Array, (b, s) => BigInt(b.readUInt32BE(s))),
};

function floatRow(name: string, oid: number, arrayOid: number, double: boolean): PgTypeRow {
  return {
    name,
    oids: [oid],
    arrayOids: [arrayOid],
    read: () =>
      double
        ? fixedReader(new Float64(), Float64Array, (b, s) => b.readDoubleBE(s))
        : fixedReader(new Float32(), Float32Array, (b, s) => b.readFloatBE(s)),
    // Float16 widens to real exactly; its values are read through the vector (no swap).
    takes: (f) => f.type.typeId === Type.Float && ((f.type as AnyType).precision === 2) === double,
    ddl: () => name,
    binaryTargets: () => [name],
    encode: (data) => {
      const width = double ? 8 : 4;
      const bytes = data.length * (4 + width);
      if ((data.type as AnyType).precision !== 0) return { bytes, write: swapped(data.values, width) };
      const v = makeVector(data);
      return {
        bytes,
        write: (buf, at, i) => {
          len4(buf, at, 4);
          buf.writeFloatBE(v.get(i) as number, at + 4);
          return at + 8;
        },
      };
    },
    text: (data) => {
      const v = makeVector(data);
      return (i) => {
        const x = v.get(i) as number;
        return Object.is(x, -0) ? "-0" : String(x);
      };
    },
  };
}

export const float4Row = floatRow("real", 700, 1021, false);
export const float8Row = floatRow("double precision", 701, 1022, true);
