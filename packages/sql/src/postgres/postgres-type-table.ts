import { cellToJson, HyggeError, type Watermark } from "@hygge/core";
import { type Data, type DataType, Field, makeVector, Type } from "apache-arrow";
import { arrayRow } from "./pg-rows-array.js";
import { intervalRow } from "./pg-rows-interval.js";
import { moneyRow, numericRow } from "./pg-rows-numeric.js";
import { boolRow, float4Row, float8Row, int2Row, int4Row, int8Row, oidRow } from "./pg-rows-scalar.js";
import { dateRow, temporalWatermark, timeRow, timestampRow, timestamptzRow } from "./pg-rows-temporal.js";
import { byteaRow, charRow, jsonbRow, jsonRow, textRow, uuidRow } from "./pg-rows-text.js";
import type { AnyType, Cell, PgColumn, PgEncoder, PgReader, PgTypeRow } from "./pg-type-row.js";

/** The scalar types hygge reads and writes; each is also read and written as a 1-D array. */
const SCALARS: readonly PgTypeRow[] = [
  boolRow,
  int2Row,
  int4Row,
  int8Row,
  oidRow,
  float4Row,
  float8Row,
  numericRow,
  moneyRow,
  textRow,
  charRow,
  byteaRow,
  uuidRow,
  jsonRow,
  jsonbRow,
  dateRow,
  timeRow,
  timestampRow,
  timestamptzRow,
  intervalRow,
];

/**
 * Structs, maps and lists PostgreSQL has no array for (nested lists, lists of structs) are stored
 * as jsonb: the exact JSON of each value (64-bit integers and decimals as strings). Read back,
 * they are arrow.json text, not the nested Arrow type.
 */
const nestedJsonRow: PgTypeRow = {
  name: "jsonb",
  oids: [],
  takes: (f) =>
    [Type.Struct, Type.Map, Type.List, Type.LargeList, Type.FixedSizeList].includes(f.type.typeId),
  ddl: () => "jsonb",
  binaryTargets: () => [],
  text: (data) => {
    const v = makeVector(data);
    return (i) => JSON.stringify(cellToJson(v, i));
  },
};

/**
 * Every PostgreSQL type hygge maps, both ways (first match wins when writing). Adding a type is
 * adding a row; a type or value no row can carry exactly is refused, never approximated.
 */
export const PG_TYPES: readonly PgTypeRow[] = [
  ...SCALARS,
  ...SCALARS.filter((r) => r.arrayOids && r.read).map(arrayRow),
  nestedJsonRow,
];

const BY_OID = new Map<number, PgTypeRow>();
for (const row of PG_TYPES) for (const oid of row.oids) BY_OID.set(oid, row);

/** True when a row reads this type OID (otherwise the caller looks up its name for the error). */
export function pgReadable(oid: number): boolean {
  return BY_OID.get(oid)?.read !== undefined;
}

/** How column `column` becomes Arrow (throws a refusal naming the column when it cannot exactly). */
export function pgReader(column: PgColumn): PgReader {
  const row = BY_OID.get(column.oid);
  if (!row?.read) throw unsupportedType(column.name, `oid ${column.oid}`);
  return row.read(column);
}

/** The Arrow field of a PostgreSQL column. */
export function pgArrowField(column: PgColumn, reader: PgReader): Field {
  return new Field(column.name, reader.type, true, reader.metadata);
}

/** The error for a column whose type hygge does not map: names the column and its type. */
export function unsupportedType(column: string, typeName: string): HyggeError {
  return new HyggeError(
    "SCHEMA_MISMATCH",
    `column "${column}" has PostgreSQL type ${typeName}, which hygge cannot read`,
    {
      subject: column,
      hint: `Cast it in a query (e.g. "query: SELECT id, ${column}::text AS ${column} FROM t") or leave it out with columns:.`,
    },
  );
}

/** The write side of one Arrow field: its row, with dictionaries written as their values. */
export interface PgWriteCodec {
  ddl: string;
  /** Column types (regtype text) that take `encode`'s bytes. */
  binaryTargets: readonly string[];
  /** Binary COPY encoder, or undefined when the field is written in text format. */
  encode(data: Data): PgEncoder | undefined;
  text(data: Data): Cell;
  /** The check of values a target column declared with `typmod` would round (undefined: none). */
  guard(data: Data, typmod: number): ((i: number) => void) | undefined;
}

/** The row writing `field`, or SCHEMA_MISMATCH naming the column. */
export function pgWriteCodec(field: Field): PgWriteCodec {
  const type = field.type as AnyType;
  if (type.typeId === Type.Dictionary) {
    const values = new Field(field.name, type.dictionary as DataType, true, field.metadata);
    const inner = pgWriteCodec(values);
    return {
      ddl: inner.ddl,
      binaryTargets: inner.binaryTargets,
      encode: () => undefined,
      guard: () => undefined,
      text: (data) => {
        const cell = inner.text(data.dictionary!.data[0]!);
        const indices = data.values as ArrayLike<number | bigint>;
        return (i) => cell(Number(indices[i]));
      },
    };
  }
  const row = PG_TYPES.find((r) => r.takes?.(field));
  if (!row?.ddl || !row.text)
    throw new HyggeError(
      "SCHEMA_MISMATCH",
      `column "${field.name}" has Arrow type ${field.type}, which has no PostgreSQL mapping`,
      { subject: field.name, hint: "Leave the column out or convert it before loading." },
    );
  return {
    ddl: row.ddl(field),
    binaryTargets: row.binaryTargets?.(field) ?? [],
    encode: (data) => row.encode?.(data, field.name),
    text: (data) => row.text!(data, field.name),
    guard: (data, typmod) => row.guard?.(data, field.name, typmod),
  };
}

/** PostgreSQL column type for an Arrow field (the README's mapping table). */
export function pgColumnType(field: Field): string {
  return pgWriteCodec(field).ddl;
}

/** True when every field of a batch has a binary encoder (checked on the field's type alone). */
export function pgBinaryWritable(field: Field): boolean {
  const t = field.type as AnyType;
  if (t.typeId === Type.Dictionary || t.typeId === Type.LargeUtf8 || t.typeId === Type.LargeBinary)
    return false;
  const row = PG_TYPES.find((r) => r.takes?.(field));
  if (!row?.encode) return false;
  const item = LIST_IDS.has(t.typeId) ? (t.children[0] as Field) : undefined;
  return item === undefined || pgBinaryWritable(item);
}

const LIST_IDS = new Set<number>([Type.List, Type.LargeList, Type.FixedSizeList]);

/** The watermark as text PostgreSQL casts to the column's type (bound as a parameter, never inlined). */
export function watermarkParam(since: Watermark): string {
  return temporalWatermark(since) ?? since.value;
}
