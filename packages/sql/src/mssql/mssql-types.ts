import { HyggeError, type Watermark } from "@hygge/core";
import { type DataType, Field, Type, type Vector } from "apache-arrow";
import type { TimeUnit } from "../arrow/temporal.js";
import { MSSQL_TYPES, type MssqlColumn, type MssqlReadPlan, type MssqlTypeRow } from "./mssql-type-table.js";
import type { CellContext } from "./mssql-values.js";
import type { MssqlParam } from "./mssql-watermark.js";

/** Lookups in the one SQL Server type table (mssql-type-table.ts). */
export type { MssqlColumn, MssqlReadPlan } from "./mssql-type-table.js";
export { mssqlTimeUnit } from "./mssql-type-table.js";

/** Column metadata as tedious emits it (`columnMetadata` event). */
export interface TediousColumnMetadata {
  colName: string;
  type: { name: string };
  dataLength?: number;
  precision?: number;
  scale?: number;
}

/** tedious' nullable "N" types carry their width in dataLength (as mssql resolves them). */
export function fromTedious(meta: TediousColumnMetadata): MssqlColumn {
  const n = meta.type.name;
  const len = meta.dataLength;
  const resolved =
    n === "IntN"
      ? len === 8
        ? "bigint"
        : len === 4
          ? "int"
          : len === 2
            ? "smallint"
            : "tinyint"
      : n === "FloatN"
        ? len === 8
          ? "float"
          : "real"
        : n === "MoneyN"
          ? len === 8
            ? "money"
            : "smallmoney"
          : n === "DateTimeN"
            ? len === 8
              ? "datetime"
              : "smalldatetime"
            : n === "BitN"
              ? "bit"
              : n === "DecimalN"
                ? "decimal"
                : n === "NumericN"
                  ? "numeric"
                  : n.toLowerCase();
  return { name: meta.colName, type: resolved, precision: meta.precision, scale: meta.scale, length: len };
}

/** How a SQL Server column is read (the table row listing its type name), or an error naming it. */
export function mssqlReadPlan(column: MssqlColumn): MssqlReadPlan {
  const row = MSSQL_TYPES.find((r) => r.read && r.sql?.includes(column.type));
  if (row) return row.read!(column);
  throw new HyggeError(
    "SCHEMA_MISMATCH",
    `column "${column.name}" has SQL Server type ${column.type}, which hygge cannot read`,
    {
      subject: column.name,
      hint: "Cast it in a query (e.g. CAST(col AS nvarchar(max))) or leave it out with columns:.",
    },
  );
}

/** A dictionary column is written as its value type (the field keeps its name and metadata). */
export function valueField(field: Field): Field {
  if (field.type.typeId !== Type.Dictionary) return field;
  const dictionary = (field.type as DataType & { dictionary: DataType }).dictionary;
  return valueField(new Field(field.name, dictionary, field.nullable, field.metadata));
}

/** The row that writes `field`, or an error naming the column and its Arrow type. */
export function mssqlWriteRow(
  field: Field,
): MssqlTypeRow & Required<Pick<MssqlTypeRow, "ddl" | "bulk" | "encode">> {
  const value = valueField(field);
  const row = MSSQL_TYPES.find((r) => r.arrow?.(value) && r.ddl && r.bulk && r.encode);
  if (row) return row as never;
  throw new HyggeError(
    "SCHEMA_MISMATCH",
    `column "${field.name}" has Arrow type ${field.type}, which has no SQL Server mapping`,
    { subject: field.name, hint: "Leave the column out or convert it before loading." },
  );
}

/** SQL Server column type of created tables for an Arrow field. */
export function mssqlColumnType(field: Field): string {
  return mssqlWriteRow(field).ddl(valueField(field).type as never);
}

/** The mssql column type of `request.bulk()` for an Arrow field. */
export function mssqlBulkType(sql: typeof import("mssql"), field: Field): object {
  return mssqlWriteRow(field).bulk(sql, valueField(field).type as never);
}

/** Row i of `vector` as the exact JS value tedious gets (null for nulls), or a refusal. */
export function mssqlEncoder(field: Field, vector: Vector, ctx: CellContext): (i: number) => unknown {
  const row = mssqlWriteRow(field);
  if (vector.type.typeId === Type.Dictionary) {
    const data = vector.data[0]!;
    const inner = mssqlEncoder(valueField(field), data.dictionary!, ctx);
    const keys = data.values as ArrayLike<number | bigint>;
    return (i) => (vector.isValid(i) ? inner(Number(keys[i])) : null);
  }
  const encode = row.encode(vector, ctx);
  return vector.nullCount === 0 ? encode : (i) => (vector.isValid(i) ? encode(i) : null);
}

/** The bound parameter of `column >= @p1` for a committed watermark. */
export function mssqlWatermarkParam(since: Watermark): MssqlParam {
  const zoned = Boolean(since.timezone);
  const row = MSSQL_TYPES.find(
    (r) =>
      r.watermark?.kind === since.kind &&
      (r.watermark.timezone === undefined || r.watermark.timezone === zoned),
  );
  return row ? row.watermark!.param(since.value, since.unit as TimeUnit | undefined) : since.value;
}
