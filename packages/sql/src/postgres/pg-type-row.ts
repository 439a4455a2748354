import { HyggeError } from "@hygge/core";
import { type Data, type DataType, type Field, makeVector } from "apache-arrow";
import type { ColumnBuilder } from "../arrow/column-builder.js";

/** A result column as PostgreSQL describes it (RowDescription / pg_attribute). */
export interface PgColumn {
  name: string;
  /** Type OID (for an array column, the array type's OID). */
  oid: number;
  /** Type modifier (for an array column, its elements' modifier); -1 when none. */
  typmod: number;
}

/** Writes one non-null binary value (`length` bytes at `start`) into the column's builder. */
export type Decode = (buf: Buffer, start: number, length: number) => void;

/** How one PostgreSQL column becomes one Arrow column. */
export interface PgReader {
  /** The Arrow type and field metadata (extension types, the PostgreSQL type where it matters). */
  type: DataType;
  metadata?: Map<string, string>;
  /** A builder of `capacity` rows and the decoder writing binary values into it. */
  builder(capacity: number): ColumnBuilder;
  decoder(builder: ColumnBuilder): Decode;
  /** True when the type's text output is its binary form (UTF-8 text): the cursor path reads it as is. */
  textIsBinary?: boolean;
}

/**
 * Writes value `i` (non-null) at `at`: its 4-byte length word, then the binary COPY bytes;
 * returns the position after it.
 */
export type Writer = (buf: Buffer, at: number, i: number) => number;

/** The binary COPY encoding of one Arrow column. */
export interface PgEncoder {
  /** An upper bound of the bytes `write` produces for all values (length words included). */
  bytes: number;
  write: Writer;
}

/** Row index → COPY text of a non-null cell (before COPY escaping). */
export type Cell = (i: number) => string;

/**
 * One PostgreSQL type, both ways: adding a type to hygge is adding one of these to
 * `PG_TYPES` (postgres-type-table.ts). A row that cannot carry a value exactly refuses it here.
 */
export interface PgTypeRow {
  /** The type as `format_type` prints it without modifier (DDL and messages). */
  readonly name: string;
  /** OIDs of the types this row reads (pg_type.oid of built-in types never change). */
  readonly oids: readonly number[];
  /** OIDs of their one-dimensional arrays, read as Arrow lists of this row's type. */
  readonly arrayOids?: readonly number[];
  /** Read side: the Arrow column of a PostgreSQL column (throws a refusal when it has none). */
  read?(column: PgColumn): PgReader;
  /** Write side: true when an Arrow field of this type is stored as this PostgreSQL type. */
  takes?(field: Field): boolean;
  /** The column type to create for a field this row takes. */
  ddl?(field: Field): string;
  /** Column types (regtype text) that accept `encode`'s bytes unchanged. */
  binaryTargets?(field: Field): readonly string[];
  /** Binary COPY encoding of a column this row takes (undefined: text format only). */
  encode?(data: Data, column: string): PgEncoder | undefined;
  /** COPY text of a column this row takes (used when the target column has another type). */
  text?(data: Data, column: string): Cell;
  /**
   * For a target column declared with `typmod` (an existing table's numeric(p,s), timestamp(p)…):
   * a check refusing value `i` when PostgreSQL would round it to fit; undefined when every value fits.
   */
  guard?(data: Data, column: string, typmod: number): ((i: number) => void) | undefined;
}

/** A value the home cannot carry exactly: names the column and what to do. */
export function readRefused(column: string, what: string, hint: string): HyggeError {
  return new HyggeError(
    "HOME_READ_FAILED",
    `column "${column}" holds ${what}, which Arrow cannot hold exactly`,
    {
      subject: column,
      hint,
    },
  );
}

/** A column type the home cannot read exactly: names the column, its type and the cast to use. */
export function typeRefused(column: string, type: string, hint: string): HyggeError {
  return new HyggeError(
    "SCHEMA_MISMATCH",
    `column "${column}" has PostgreSQL type ${type}, which hygge cannot read exactly`,
    { subject: column, hint },
  );
}

/** A value the store cannot write exactly: names the column and what to do. */
export function writeRefused(column: string, what: string, hint: string, cause?: unknown): HyggeError {
  return new HyggeError(
    "STORE_WRITE_FAILED",
    `column "${column}" holds ${what}, which PostgreSQL cannot store exactly`,
    {
      subject: column,
      hint,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

export const INFINITY_HINT =
  "Filter or cast such values in a query (infinity and NaN have no Arrow equivalent).";

/** Writes a 4-byte big-endian length word for small constant lengths. */
export function len4(buf: Buffer, at: number, n: number): void {
  buf[at] = 0;
  buf[at + 1] = 0;
  buf[at + 2] = 0;
  buf[at + 3] = n;
}

/** Fixed-width values byte-swapped from an Arrow buffer (little-endian) into network order. */
export function swapped(values: ArrayBufferView, width: 2 | 4 | 8): Writer {
  const src = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (width === 8) {
    return (buf, at, i) => {
      len4(buf, at, 8);
      const s = i * 8;
      buf[at + 4] = src[s + 7]!;
      buf[at + 5] = src[s + 6]!;
      buf[at + 6] = src[s + 5]!;
      buf[at + 7] = src[s + 4]!;
      buf[at + 8] = src[s + 3]!;
      buf[at + 9] = src[s + 2]!;
      buf[at + 10] = src[s + 1]!;
      buf[at + 11] = src[s]!;
      return at + 12;
    };
  }
  if (width === 4) {
    return (buf, at, i) => {
      len4(buf, at, 4);
      const s = i * 4;
      buf[at + 4] = src[s + 3]!;
      buf[at + 5] = src[s + 2]!;
      buf[at + 6] = src[s + 1]!;
      buf[at + 7] = src[s]!;
      return at + 8;
    };
  }
  return (buf, at, i) => {
    len4(buf, at, 2);
    buf[at + 4] = src[i * 2 + 1]!;
    buf[at + 5] = src[i * 2]!;
    return at + 6;
  };
}

/** COPY text of values whose JavaScript string form is PostgreSQL's input form (numbers, strings). */
export function same(data: Data): Cell {
  const v = makeVector(data);
  return (i) => String(v.get(i));
}

/** A field's type with its members readable (Arrow's classes type them per subclass). */
export type AnyType = DataType & Record<string, any>;
