import {
  EXTENSION_NAME_KEY,
  formatUuid,
  isJsonField,
  isUuidField,
  JSON_EXTENSION,
  UUID_EXTENSION,
} from "@hygge/core";
import { Binary, type Data, type DataType, FixedSizeBinary, makeVector, Type, Utf8 } from "apache-arrow";
import { StrideBuilder, VarBuilder } from "../arrow/column-builder.js";
import {
  type AnyType,
  len4,
  type PgEncoder,
  type PgReader,
  type PgTypeRow,
  readRefused,
  same,
} from "./pg-type-row.js";

/** Field metadata naming the PostgreSQL type a column came from, where Arrow alone cannot tell (json/jsonb). */
export const PG_TYPE_KEY = "hygge.postgres.type";

const typeId = (data: Data) => data.type.typeId as Type;

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
