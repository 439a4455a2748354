import { HyggeError } from "@hygge/core";
import { type Field, type Schema, Type } from "apache-arrow";
import type { Statement } from "../dialect.js";
import type { MssqlTargetColumn } from "./mssql-type-row.js";
import { mssqlColumnType, mssqlWriteRow, valueField } from "./mssql-types.js";

/**
 * An existing table's column types, for loads into a table hygge did not just create: a bulk
 * load declares the Arrow types and SQL Server converts to the column's type without a word
 * (nvarchar → varchar through a code page, decimal(18,4) → decimal(10,2) rounded, datetime2(7)
 * → datetime2(3) rounded, uuid → binary(16) reordered…). Those columns are refused before any row.
 */
export function targetColumnsQuery(table: string): Statement {
  return {
    text: "SELECT c.name, TYPE_NAME(c.system_type_id) AS type, c.max_length AS maxLength, c.precision, c.scale, c.collation_name AS collation FROM sys.columns AS c WHERE c.object_id = OBJECT_ID(@p1)",
    params: [table],
  };
}

function describe(c: MssqlTargetColumn): string {
  const chars = c.maxLength === -1 ? "max" : c.type.startsWith("n") ? c.maxLength / 2 : c.maxLength;
  if (["char", "varchar", "nchar", "nvarchar", "binary", "varbinary"].includes(c.type)) {
    return `${c.type}(${chars})${c.collation ? ` (collation ${c.collation})` : ""}`;
  }
  if (c.type === "decimal" || c.type === "numeric") return `${c.type}(${c.precision},${c.scale})`;
  if (["time", "datetime2", "datetimeoffset"].includes(c.type)) return `${c.type}(${c.scale})`;
  return c.type;
}

function arrowName(field: Field): string {
  const t = field.type as Field["type"] & { precision?: number; scale?: number };
  return field.type.typeId === Type.Decimal ? `Decimal(${t.precision},${t.scale})` : String(field.type);
}

/** Throws for the first column of `schema` whose existing column would change values silently. */
export function checkTargetColumns(table: string, schema: Schema, rows: Record<string, unknown>[]): void {
  const existing = new Map(
    rows.map((r) => [
      String(r.name),
      {
        name: String(r.name),
        type: String(r.type).toLowerCase(),
        maxLength: Number(r.maxLength),
        precision: Number(r.precision),
        scale: Number(r.scale),
        collation: r.collation == null ? null : String(r.collation),
      } satisfies MssqlTargetColumn,
    ]),
  );
  // Names resolve by the database's collation, usually case-insensitive: "Amount" loads into "amount".
  const folded = new Map([...existing.values()].reverse().map((c) => [c.name.toLowerCase(), c]));
  for (const field of schema.fields) {
    const column = existing.get(field.name) ?? folded.get(field.name.toLowerCase());
    if (!column) continue; // SQL Server refuses an unknown column itself
    const row = mssqlWriteRow(field);
    const type = valueField(field).type as never;
    const ddl = mssqlColumnType(field);
    const keeps = row.keeps ? row.keeps(column, type) : ddl.startsWith(column.type);
    if (keeps) continue;
    throw new HyggeError(
      "STORE_WRITE_FAILED",
      `column "${field.name}" of ${table} is ${describe(column)}, which cannot hold every ${arrowName(field)} value unchanged (SQL Server would convert them silently); hygge creates such a column as ${ddl}`,
      {
        subject: field.name,
        hint: `Alter the column (ALTER TABLE ${table} ALTER COLUMN [${field.name.replace(/\]/g, "]]")}] ${ddl}), or run once with --full-drop to recreate the table from the data's types.`,
      },
    );
  }
}
