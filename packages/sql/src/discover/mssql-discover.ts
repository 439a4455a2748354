import { typeNameOf } from "@hygge/core";
import { Field } from "apache-arrow";
import type { Statement } from "../dialect.js";
import { type MssqlColumn, mssqlReadPlan } from "../mssql/mssql-types.js";
import type { Catalogue, ColumnRow, RelationRow } from "./sql-discover.js";
import { unreadableColumn } from "./sql-discover.js";

/**
 * User tables and views outside `sys` and `INFORMATION_SCHEMA` (and not shipped by Microsoft),
 * without hygge's staging tables. The estimate is the row count of the heap or clustered index
 * in `sys.partitions` (kept by the engine, approximate; NULL for a view without an index).
 */
export const MSSQL_RELATIONS = `SELECT CAST(o.object_id AS varchar(12)) AS id, s.name AS [schema], o.name AS name,
  CASE WHEN o.type = 'V' THEN 'view' ELSE 'table' END AS kind,
  CASE WHEN s.name = SCHEMA_NAME() THEN 1 ELSE 0 END AS in_default,
  (SELECT CAST(SUM(p.rows) AS varchar(20)) FROM sys.partitions p WHERE p.object_id = o.object_id AND p.index_id IN (0, 1)) AS estimate
FROM sys.objects o JOIN sys.schemas s ON s.schema_id = o.schema_id
WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0
  AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA') AND o.name NOT LIKE 'hygge[_]stg[_]%' AND o.name <> 'hygge_state'
  AND HAS_PERMS_BY_NAME(QUOTENAME(s.name) + '.' + QUOTENAME(o.name), 'OBJECT', 'SELECT') = 1`;

/**
 * Columns in table order: the declared type, and the base system type of an alias type (what a
 * read's result describes); CLR types (geography, hierarchyid…) keep their own name.
 */
export function mssqlColumnsSql(ids: readonly string[]): string {
  return `SELECT CAST(c.object_id AS varchar(12)) AS id, c.name AS name, t.name AS declared,
  CASE WHEN t.is_user_defined = 1 AND t.is_assembly_type = 0 THEN TYPE_NAME(c.system_type_id) ELSE t.name END AS base,
  c.max_length, c.precision, c.scale, c.is_nullable
FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
WHERE c.object_id IN (${ids.map((id) => String(Number.parseInt(id, 10))).join(", ")})
ORDER BY c.object_id, c.column_id`;
}

/** The declared type as T-SQL writes it: `nvarchar(50)`, `varbinary(max)`, `decimal(18,2)`, `datetime2(3)`. */
export function mssqlTypeText(type: string, maxLength: number, precision: number, scale: number): string {
  if (["char", "varchar", "binary", "varbinary"].includes(type))
    return `${type}(${maxLength === -1 ? "max" : maxLength})`;
  if (["nchar", "nvarchar"].includes(type)) return `${type}(${maxLength === -1 ? "max" : maxLength / 2})`;
  if (["decimal", "numeric"].includes(type)) return `${type}(${precision},${scale})`;
  if (["datetime2", "datetimeoffset", "time"].includes(type)) return `${type}(${scale})`;
  return type;
}

/** A SQL Server column as hygge reads it: its hygge type, or why it cannot be read. */
export function mssqlDiscoveredColumn(row: Record<string, unknown>) {
  const name = String(row.name);
  const base = String(row.base).toLowerCase();
  const maxLength = Number(row.max_length);
  const text = mssqlTypeText(base, maxLength, Number(row.precision), Number(row.scale));
  const declared = String(row.declared);
  const sourceType = declared.toLowerCase() === base ? text : `${declared} (${text})`;
  const nullable = row.is_nullable === true || row.is_nullable === 1;
  const column: MssqlColumn = {
    name,
    type: base,
    precision: Number(row.precision),
    scale: Number(row.scale),
    length: maxLength,
  };
  try {
    const plan = mssqlReadPlan(column);
    const field = new Field(name, plan.builder(0).type, true, plan.metadata);
    return { name, sourceType, type: typeNameOf(field), nullable };
  } catch (error) {
    return unreadableColumn(name, sourceType, error, nullable);
  }
}

/** Relation ids per column query: a literal IN list, kept well below SQL Server's limits. */
const CHUNK = 500;

export const mssqlCatalogue: Catalogue = {
  relations: (): Statement => ({ text: MSSQL_RELATIONS, params: [] }),
  columns: (ids) => {
    const out: Statement[] = [];
    for (let i = 0; i < ids.length; i += CHUNK)
      out.push({ text: mssqlColumnsSql(ids.slice(i, i + CHUNK)), params: [] });
    return out;
  },
  relation: (row): RelationRow => ({
    id: String(row.id),
    schema: String(row.schema),
    name: String(row.name),
    kind: row.kind === "view" ? "view" : "table",
    inDefaultSchema: row.in_default === 1 || row.in_default === true,
    ...(row.estimate === null || row.estimate === undefined ? {} : { estimatedRows: Number(row.estimate) }),
  }),
  column: (row): ColumnRow => ({ id: String(row.id), column: mssqlDiscoveredColumn(row) }),
};
