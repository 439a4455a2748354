import {
  EXTENSION_NAME_KEY,
  formatUuid,
  isJsonField,
  isUuidField,
  JSON_EXTENSION,
  UUID_EXTENSION,
} from "@hygge/core";
import {
  Binary,
  Bool,
  type Data,
  type DataType,
  FixedSizeBinary,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  makeVector,
  Type,
  Utf8,
} from "apache-arrow";
import {
  BoolBuilder,
  type ColumnBuilder,
  FixedBuilder,
  StrideBuilder,
  VarBuilder,
} from "../arrow/column-builder.js";
import {
  type AnyType,
  len4,
  type PgEncoder,
  type PgReader,
  type PgTypeRow,
  readRefused,
  swapped,
} from "./pg-type-row.js";

/** Field metadata naming the PostgreSQL type a column came from, where Arrow alone cannot tell (json/jsonb). */
export const PG_TYPE_KEY = "hygge.postgres.type";

const typeId = (data: Data) => data.type.typeId as Type;
const bits = (t: DataType) => (t as AnyType).bitWidth as number;
const signed = (t: DataType) => (t as AnyType).isSigned as boolean;
const same = (data: Data): ((i: number) => string) => {
  const v = makeVector(data);
  return (i) => String(v.get(i));
};

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

/** The Utf8/Binary binary COPY writer: the value's bytes as they are. */
export function varEncoder(data: Data): PgEncoder {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  return {
    bytes: data.length * 4 + (offsets[data.length]! - offsets[0]!),
    write: (buf, at, i) => {
      const start = offsets[i]!;
      const len = offsets[i + 1]! - start;
      buf.writeInt32BE(len, at);
      if (len < 48) for (let k = 0; k < len; k++) buf[at + 4 + k] = bytes[start + k]!;
      else buf.set(bytes.subarray(start, start + len), at + 4);
      return at + 4 + len;
    },
  };
}

/** A reader of text-like values: the binary form is the UTF-8 text (after `skip` header bytes). */
function textReader(metadata?: Map<string, string>, skip = 0): PgReader {
  const type = new Utf8();
  return {
    type,
    ...(metadata ? { metadata } : {}),
    builder: (capacity) => new VarBuilder(type, String, capacity),
    textIsBinary: skip === 0,
    decoder: (b) => {
      const v = b as VarBuilder;
      return skip === 0
        ? (buf, start, length) => v.pushBytes(buf, start, length)
        : (buf, start, length) => v.pushBytes(buf, start + skip, length - skip);
    },
  };
}

const isText = (f: { type: DataType }) => f.type.typeId === Type.Utf8 || f.type.typeId === Type.LargeUtf8;

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

/** text, varchar, char(n), name: Utf8 (char(n) keeps its padding); xml reads as its text. */
export const textRow: PgTypeRow = {
  name: "text",
  oids: [25, 1043, 1042, 19, 142],
  arrayOids: [1009, 1015, 1014, 1003, 143],
  read: () => textReader(),
  takes: (f) => isText(f) && !isJsonField(f),
  ddl: () => "text",
  binaryTargets: () => ["text", "character varying", "character", "name"],
  encode: (data) => (typeId(data) === Type.Utf8 ? varEncoder(data) : undefined),
  text: same,
};

/** "char" (one byte): ASCII only, as a one-character string. */
export const charRow: PgTypeRow = {
  name: '"char"',
  oids: [18],
  arrayOids: [1002],
  read: (column) => {
    const reader = textReader();
    return {
      ...reader,
      // Its text output escapes bytes above 127 (\ooo): the cursor path reads the byte itself.
      textIsBinary: false,
      decoder: (b) => {
        const push = reader.decoder(b);
        return (buf, start, length) => {
          if (length > 0 && buf[start]! >= 0x80)
            throw readRefused(
              column.name,
              `"char" byte ${buf[start]}`,
              "Cast it in the query: col::int or col::text.",
            );
          push(buf, start, length);
        };
      },
    };
  },
};

export const byteaRow: PgTypeRow = {
  name: "bytea",
  oids: [17],
  arrayOids: [1001],
  read: () => ({
    type: new Binary(),
    builder: (capacity) => new VarBuilder(new Binary(), (x: Uint8Array) => x, capacity),
    decoder: (b) => (buf, start, length) => (b as VarBuilder).pushBytes(buf, start, length),
  }),
  takes: (f) =>
    f.type.typeId === Type.Binary ||
    f.type.typeId === Type.LargeBinary ||
    (f.type.typeId === Type.FixedSizeBinary && !isUuidField(f)),
  ddl: () => "bytea",
  binaryTargets: () => ["bytea"],
  encode: (data) => {
    if (typeId(data) === Type.Binary) return varEncoder(data);
    if (typeId(data) !== Type.FixedSizeBinary) return undefined;
    const width = (data.type as AnyType).byteWidth as number;
    const bytes = data.values as Uint8Array;
    return {
      bytes: data.length * (4 + width),
      write: (buf, at, i) => {
        buf.writeInt32BE(width, at);
        buf.set(bytes.subarray(i * width, (i + 1) * width), at + 4);
        return at + 4 + width;
      },
    };
  },
  text: (data) => {
    const v = makeVector(data);
    return (i) => {
      const b = v.get(i) as Uint8Array;
      return `\\x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex")}`;
    };
  },
};

const UUID_METADATA = new Map([[EXTENSION_NAME_KEY, UUID_EXTENSION]]);

/** uuid ↔ arrow.uuid (FixedSizeBinary(16), RFC 4122 byte order, which is PostgreSQL's binary form). */
export const uuidRow: PgTypeRow = {
  name: "uuid",
  oids: [2950],
  arrayOids: [2951],
  read: () => {
    const type = new FixedSizeBinary(16);
    return {
      type,
      metadata: UUID_METADATA,
      builder: (capacity) => new StrideBuilder(type, 16, capacity),
      decoder: (b) => {
        const s = b as StrideBuilder;
        return (buf, start) => {
          const i = s.slot();
          s.bytes.set(buf.subarray(start, start + 16), i * 16);
        };
      },
    };
  },
  takes: isUuidField,
  ddl: () => "uuid",
  binaryTargets: () => ["uuid"],
  encode: (data) => {
    const bytes = data.values as Uint8Array;
    return {
      bytes: data.length * 20,
      write: (buf, at, i) => {
        len4(buf, at, 16);
        buf.set(bytes.subarray(i * 16, i * 16 + 16), at + 4);
        return at + 20;
      },
    };
  },
  text: (data) => {
    const bytes = data.values as Uint8Array;
    return (i) => formatUuid(bytes.subarray(i * 16, i * 16 + 16));
  },
};

const jsonMetadata = (pgType: "json" | "jsonb") =>
  new Map([
    [EXTENSION_NAME_KEY, JSON_EXTENSION],
    [PG_TYPE_KEY, pgType],
  ]);

/** A JSON field that asks for jsonb: read from jsonb (its text is already jsonb's normal form). */
const wantsJsonb = (f: { metadata: Map<string, string> }) => f.metadata.get(PG_TYPE_KEY) === "jsonb";

/**
 * json and jsonb ↔ arrow.json. jsonb columns read as jsonb's own text and carry
 * `hygge.postgres.type: jsonb`, so they are created as jsonb again (that text is unchanged by jsonb).
 * Any other JSON column is created as json, which keeps its text byte for byte: jsonb would
 * reorder keys, drop duplicate keys and change spacing.
 */
export const jsonRow: PgTypeRow = {
  name: "json",
  oids: [114],
  arrayOids: [199],
  read: () => textReader(jsonMetadata("json")),
  takes: (f) => isJsonField(f) && !wantsJsonb(f),
  ddl: () => "json",
  binaryTargets: () => ["json"],
  encode: (data) => (typeId(data) === Type.Utf8 ? varEncoder(data) : undefined),
  text: same,
};

export const jsonbRow: PgTypeRow = {
  name: "jsonb",
  oids: [3802],
  arrayOids: [3807],
  // jsonb's binary form: a version byte (1), then the text.
  read: () => textReader(jsonMetadata("jsonb"), 1),
  takes: (f) => isJsonField(f) && wantsJsonb(f),
  ddl: () => "jsonb",
  binaryTargets: () => ["jsonb"],
  encode: (data) => {
    if (typeId(data) !== Type.Utf8) return undefined;
    const inner = varEncoder(data);
    return {
      bytes: inner.bytes + data.length,
      write: (buf, at, i) => {
        const end = inner.write(buf, at + 1, i);
        // Move the length word one byte left, add one, and put the version byte after it.
        const len = buf.readInt32BE(at + 1) + 1;
        buf.writeInt32BE(len, at);
        buf[at + 4] = 1;
        return end;
      },
    };
  },
  text: same,
};

export type { ColumnBuilder };
