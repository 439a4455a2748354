import type { KeyValue, LogicalType, SchemaElement } from "hyparquet";
import {
  type Bytes,
  bin,
  bool,
  byte,
  encodeStruct,
  i32,
  i64,
  list,
  STRUCT,
  struct,
  type TValue,
} from "./thrift.js";

/** Parquet's enums in thrift order (parquet.thrift). */
const TYPES = ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"];
const REPETITION = ["REQUIRED", "OPTIONAL", "REPEATED"];
const ENCODINGS = [
  "PLAIN",
  "GROUP_VAR_INT",
  "PLAIN_DICTIONARY",
  "RLE",
  "BIT_PACKED",
  "DELTA_BINARY_PACKED",
  "DELTA_LENGTH_BYTE_ARRAY",
  "DELTA_BYTE_ARRAY",
  "RLE_DICTIONARY",
  "BYTE_STREAM_SPLIT",
];
const CODECS = ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"];
const PAGES = ["DATA_PAGE", "INDEX_PAGE", "DICTIONARY_PAGE", "DATA_PAGE_V2"];
const CONVERTED = [
  "UTF8",
  "MAP",
  "MAP_KEY_VALUE",
  "LIST",
  "ENUM",
  "DECIMAL",
  "DATE",
  "TIME_MILLIS",
  "TIME_MICROS",
  "TIMESTAMP_MILLIS",
  "TIMESTAMP_MICROS",
  "UINT_8",
  "UINT_16",
  "UINT_32",
  "UINT_64",
  "INT_8",
  "INT_16",
  "INT_32",
  "INT_64",
  "JSON",
  "BSON",
  "INTERVAL",
];

function ordinal(table: string[], name: string, what: string): TValue {
  const i = table.indexOf(name);
  if (i < 0) throw new Error(`parquet writer: unknown ${what} ${name}`);
  return i32(i);
}

export const encodingOf = (name: string) => ordinal(ENCODINGS, name, "encoding");
export const typeOf = (name: string) => ordinal(TYPES, name, "physical type");
export const codecOf = (name: string) => ordinal(CODECS, name, "codec");

const empty = () => struct();

function timeUnit(unit: string): TValue {
  return unit === "NANOS"
    ? struct([3, empty()])
    : unit === "MICROS"
      ? struct([2, empty()])
      : struct([1, empty()]);
}

/** The LogicalType union (only the members hygge writes; anything else is refused, not dropped). */
function logicalType(t: LogicalType | undefined): TValue | undefined {
  if (!t) return undefined;
  const l = t as LogicalType & Record<string, unknown>;
  switch (t.type) {
    case "STRING":
      return struct([1, empty()]);
    case "MAP":
      return struct([2, empty()]);
    case "LIST":
      return struct([3, empty()]);
    case "ENUM":
      return struct([4, empty()]);
    case "DECIMAL":
      return struct([5, struct([1, i32(l.scale as number)], [2, i32(l.precision as number)])]);
    case "DATE":
      return struct([6, empty()]);
    case "TIME":
      return struct([7, struct([1, bool(l.isAdjustedToUTC as boolean)], [2, timeUnit(l.unit as string)])]);
    case "TIMESTAMP":
      return struct([8, struct([1, bool(l.isAdjustedToUTC as boolean)], [2, timeUnit(l.unit as string)])]);
    case "INTEGER":
      return struct([10, struct([1, byte(l.bitWidth as number)], [2, bool(l.isSigned as boolean)])]);
    case "JSON":
      return struct([12, empty()]);
    case "BSON":
      return struct([13, empty()]);
    case "UUID":
      return struct([14, empty()]);
    case "FLOAT16":
      return struct([15, empty()]);
    default:
      throw new Error(`parquet writer: logical type ${t.type} is not supported`);
  }
}

const opt = <T>(v: T | undefined, f: (v: T) => TValue) => (v === undefined || v === null ? undefined : f(v));

function schemaElement(e: SchemaElement): TValue {
  return struct(
    [1, opt(e.type, (t) => typeOf(t))],
    [2, opt(e.type_length, i32)],
    [3, opt(e.repetition_type, (r) => ordinal(REPETITION, r, "repetition"))],
    [4, bin(e.name)],
    [5, opt(e.num_children, i32)],
    [6, opt(e.converted_type, (c) => ordinal(CONVERTED, c, "converted type"))],
    [7, opt(e.scale, i32)],
    [8, opt(e.precision, i32)],
    [9, opt(e.field_id, i32)],
    [10, logicalType(e.logical_type)],
  );
}

export interface PageHeaderFields {
  type: "DATA_PAGE" | "DICTIONARY_PAGE";
  uncompressed: number;
  compressed: number;
  /** Values in the page (data pages) or entries (dictionary pages). */
  count: number;
  encoding: string;
}

/** Appends a page header. */
export function writePageHeader(out: Bytes, h: PageHeaderFields): void {
  const body =
    h.type === "DATA_PAGE"
      ? ([
          5,
          struct(
            [1, i32(h.count)],
            [2, encodingOf(h.encoding)],
            [3, encodingOf("RLE")],
            [4, encodingOf("RLE")],
          ),
        ] as [number, TValue])
      : ([7, struct([1, i32(h.count)], [2, encodingOf(h.encoding)])] as [number, TValue]);
  encodeStruct(
    struct([1, ordinal(PAGES, h.type, "page type")], [2, i32(h.uncompressed)], [3, i32(h.compressed)], body),
    out,
  );
}

/** A column chunk's metadata, already in thrift form (ColumnChunk struct). */
export type ChunkMeta = TValue;

export interface RowGroupMeta {
  columns: ChunkMeta[];
  totalByteSize: bigint;
  numRows: bigint;
  fileOffset: bigint;
  totalCompressedSize: bigint;
}

export interface FileMeta {
  schema: SchemaElement[];
  numRows: bigint;
  rowGroups: RowGroupMeta[];
  kv?: KeyValue[];
  createdBy: string;
}

/** The FileMetaData struct, encoded. */
export function encodeFileMetaData(m: FileMeta, out: Bytes): void {
  const leaves = m.schema.filter((e) => e.type !== undefined).length;
  encodeStruct(
    struct(
      [1, i32(2)],
      [2, list(STRUCT, m.schema.map(schemaElement))],
      [3, i64(m.numRows)],
      [
        4,
        list(
          STRUCT,
          m.rowGroups.map((g) =>
            struct(
              [1, list(STRUCT, g.columns)],
              [2, i64(g.totalByteSize)],
              [3, i64(g.numRows)],
              [5, i64(g.fileOffset)],
              [6, i64(g.totalCompressedSize)],
            ),
          ),
        ),
      ],
      [
        5,
        m.kv && m.kv.length > 0
          ? list(
              STRUCT,
              m.kv.map((kv) => struct([1, bin(kv.key)], [2, opt(kv.value, bin)])),
            )
          : undefined,
      ],
      [6, bin(m.createdBy)],
      // TypeDefinedOrder for every leaf: min/max statistics use the type's natural order.
      [
        7,
        list(
          STRUCT,
          Array.from({ length: leaves }, () => struct([1, empty()])),
        ),
      ],
    ),
    out,
  );
}
