import {
  TimeUnit as ArrowTimeUnit,
  type DataType,
  type Field,
  Timestamp,
  Type,
  Utf8,
  type Vector,
} from "apache-arrow";
import { type ColumnBuilder, FixedBuilder, VarBuilder } from "../arrow/column-builder.js";
import { parseTimestamp, type TimeUnit } from "../arrow/temporal.js";
import { exactDecimalType } from "./mssql-exact-decimal.js";
import { type CellContext, timestampCell, utf8Cell, wellFormed } from "./mssql-values.js";
import type { MssqlParam } from "./mssql-watermark.js";

export type MssqlModule = typeof import("mssql");
export type T = DataType & Record<string, any>;

/** A result column as SQL Server describes it: lower-case type name, precision, scale, length. */
export interface MssqlColumn {
  name: string;
  type: string;
  precision?: number;
  scale?: number;
  length?: number;
}

/** A column of an existing table, from sys.columns (max_length in bytes, -1 for max). */
export interface MssqlTargetColumn {
  name: string;
  type: string;
  maxLength: number;
  precision: number;
  scale: number;
  collation: string | null;
}

/** How one column is read: the SELECT expression (text where the driver would round) and its builder. */
export interface MssqlReadPlan {
  expression(q: string): string;
  builder(capacity: number): ColumnBuilder;
  /** Field metadata of the Arrow column (canonical extension types). */
  metadata?: Map<string, string>;
}

/**
 * One SQL Server type, both ways. Writing (Arrow → SQL Server): `arrow` selects the fields the
 * row writes, `ddl` is the column type of created tables, `bulk` the column of `request.bulk()`
 * and `encode` the exact JS value tedious gets for row i (or a refusal). Reading (SQL Server →
 * Arrow): `sql` lists the type names the row reads with `read`. `watermark` binds the bound
 * parameter of incremental reads on a column of this row's Arrow type.
 * Adding a type is adding a row; the first row whose `arrow` matches a field writes it.
 */
export interface MssqlTypeRow {
  name: string;
  arrow?(field: Field): boolean;
  ddl?(type: T): string;
  bulk?(sql: MssqlModule, type: T): object;
  encode?(vector: Vector, ctx: CellContext): (i: number) => unknown;
  /**
   * True when an existing column (of a table hygge appends to) keeps every value of this row's
   * Arrow type unchanged, or fails loudly (overflow, length): never when SQL Server would round,
   * pad, re-encode or reorder silently. Without it only the row's own DDL type is accepted.
   */
  keeps?(column: MssqlTargetColumn, type: T): boolean;
  sql?: readonly string[];
  read?(column: MssqlColumn): MssqlReadPlan;
  watermark?: { kind: string; timezone?: boolean; param(value: string, unit?: TimeUnit): MssqlParam };
}

export const SCALE = [0, 3, 6, 7] as const; // Arrow s, ms, us, ns → fraction digits (SQL Server stops at 100 ns)
export const UNITS: TimeUnit[] = ["s", "ms", "us", "ns"];
export const ARROW_UNIT = {
  s: ArrowTimeUnit.SECOND,
  ms: ArrowTimeUnit.MILLISECOND,
  us: ArrowTimeUnit.MICROSECOND,
  ns: ArrowTimeUnit.NANOSECOND,
};

export const is =
  (...ids: Type[]) =>
  (f: Field) =>
    ids.includes(f.type.typeId);
export const int =
  (signed: boolean, ...bits: number[]) =>
  (f: Field) =>
    f.type.typeId === Type.Int && (f.type as T).isSigned === signed && bits.includes((f.type as T).bitWidth);
export const values = (v: Vector) => v.data[0]!.values as any;
export const asIs = (q: string) => q;
export const convert = (sqlType: string, style?: number) => (q: string) =>
  `CONVERT(${sqlType}, ${q}${style === undefined ? "" : `, ${style}`})`;
export const plan = (
  expression: MssqlReadPlan["expression"],
  builder: MssqlReadPlan["builder"],
  metadata?: Map<string, string>,
): MssqlReadPlan => ({ expression, builder, ...(metadata ? { metadata } : {}) });

/** datetime2/datetimeoffset/time fractional digits → the Arrow unit that holds them exactly. */
export function mssqlTimeUnit(scale: number | undefined): TimeUnit {
  const s = scale ?? 7;
  return s === 0 ? "s" : s <= 3 ? "ms" : s <= 6 ? "us" : "ns";
}

export const timestampRead = (unit: TimeUnit, zone: string | null, style: number) =>
  plan(
    convert(style === 126 ? "varchar(33)" : "varchar(40)", style),
    (n) =>
      new FixedBuilder(
        new Timestamp(ARROW_UNIT[unit], zone),
        BigInt64Array,
        (s: string) => parseTimestamp(s, unit),
        n,
      ),
  );
export const timestampEncode = (v: Vector, ctx: CellContext) => {
  const unit = UNITS[(v.type as T).unit]!;
  const raw = values(v) as BigInt64Array;
  return (i: number) => timestampCell(raw[i]!, unit, ctx);
};
export const nvarcharMax = (sql: MssqlModule) => sql.NVarChar(sql.MAX);
export const utf8Encode = (v: Vector, ctx: CellContext) => (i: number) => utf8Cell(v.data[0]!, i, ctx);
/** nvarchar is UTF-16 without a check: a lone surrogate would become U+FFFD in Arrow's UTF-8. */
export const utf8Read = (c: MssqlColumn) =>
  plan(asIs, (n) => new VarBuilder(new Utf8(), wellFormed(c.name), n));
/** nvarchar wide enough for a char/varchar/text column (n bytes are at most n UTF-16 code units). */
export const codePageTextAsNvarchar = (c: MssqlColumn) =>
  c.type !== "text" && c.length !== undefined && c.length > 0 && c.length <= 4000
    ? `nvarchar(${c.length})`
    : "nvarchar(max)";
export const exactDecimal = (precision: number, scale: number) => ({
  type: exactDecimalType,
  precision,
  scale,
});

export const INTEGERS = ["tinyint", "smallint", "int", "bigint"];
export const DECIMALS = ["decimal", "numeric"];
export const named =
  (...names: string[]) =>
  (c: MssqlTargetColumn) =>
    names.includes(c.type);
/** Unicode text columns: nvarchar/ntext, and varchar/text under a UTF-8 collation (SQL Server 2019+). */
export const unicodeText = (c: MssqlTargetColumn) =>
  c.type === "nvarchar" ||
  c.type === "ntext" ||
  ((c.type === "varchar" || c.type === "text") && /_UTF8$/i.test(c.collation ?? ""));
/** time/datetime2/datetimeoffset columns with at least the fraction digits of the Arrow unit. */
export const fraction =
  (...names: string[]) =>
  (c: MssqlTargetColumn, t: T) =>
    names.includes(c.type) && c.scale >= SCALE[t.unit as 0];
