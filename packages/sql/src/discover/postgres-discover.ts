import { typeNameOf } from "@hygge/core";
import type { Statement } from "../dialect.js";
import type { PgColumn } from "../postgres/pg-type-row.js";
import { pgArrowField, pgReadable, pgReader, unsupportedType } from "../postgres/postgres-type-table.js";
import type { Catalogue, ColumnRow, RelationRow } from "./sql-discover.js";
import { unreadableColumn } from "./sql-discover.js";

/**
 * Tables (ordinary, partitioned, foreign), views and materialized views the user may read, outside
 * PostgreSQL's own schemas (pg_catalog, information_schema, pg_toast…: every `pg_` name is
 * reserved). Partitions are left out: their partitioned table reads them all. hygge's staging
 * tables are left out. The estimate is `reltuples` (-1: never analyzed, unknown); a partitioned
 * table's is the sum over its partitions, unknown if any is.
 */
export const PG_RELATIONS = `SELECT c.oid::text AS id, n.nspname AS schema, c.relname AS name,
  CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END AS kind,
  (n.nspname = current_schema()) AS in_default,
  CASE
    WHEN c.relkind = 'p' THEN (SELECT CASE WHEN bool_and(p.reltuples >= 0) THEN sum(round(p.reltuples))::int8::text END
      FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid WHERE t.isleaf)
    WHEN c.relkind IN ('r', 'm', 'f') AND c.reltuples >= 0 THEN round(c.reltuples)::int8::text
  END AS estimate
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND NOT c.relispartition
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
  AND NOT starts_with(c.relname, 'hygge_stg_') AND c.relname <> 'hygge_state'
  AND has_schema_privilege(n.oid, 'USAGE') AND has_any_column_privilege(c.oid, 'SELECT')`;

/**
 * Columns in table order, each with the type a read's result describes: a domain as its base type
 * and modifier (what PostgreSQL sends in RowDescription), so the type table decides as it does
 * for a read. `source_type` is the declared type as `format_type` prints it.
 */
export const PG_COLUMNS = `WITH RECURSIVE dom(id, base, typmod) AS (
  SELECT t.oid, t.typbasetype, t.typtypmod FROM pg_type t WHERE t.typtype = 'd'
  UNION ALL
  SELECT d.id, t.typbasetype, t.typtypmod FROM dom d JOIN pg_type t ON t.oid = d.base WHERE t.typtype = 'd'
), base AS (
  SELECT d.id, d.base, d.typmod FROM dom d JOIN pg_type t ON t.oid = d.base WHERE t.typtype <> 'd'
)
SELECT a.attrelid::text AS id, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS source_type,
  coalesce(b.base, a.atttypid)::int8 AS oid, CASE WHEN b.id IS NULL THEN a.atttypmod ELSE b.typmod END AS typmod,
  NOT a.attnotnull AS nullable
FROM pg_attribute a LEFT JOIN base b ON b.id = a.atttypid
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

/** A PostgreSQL column as hygge reads it: its hygge type, or why it cannot be read. */
export function pgDiscoveredColumn(column: PgColumn, sourceType: string, nullable: boolean) {
  try {
    if (!pgReadable(column.oid)) throw unsupportedType(column.name, sourceType);
    const field = pgArrowField(column, pgReader(column));
    return { name: column.name, sourceType, type: typeNameOf(field), nullable };
  } catch (error) {
    return unreadableColumn(column.name, sourceType, error, nullable);
  }
}

export const postgresCatalogue: Catalogue = {
  relations: (): Statement => ({ text: PG_RELATIONS, params: [] }),
  columns: (ids) => [{ text: PG_COLUMNS, params: [ids] }],
  relation: (row): RelationRow => ({
    id: String(row.id),
    schema: String(row.schema),
    name: String(row.name),
    kind: row.kind === "view" ? "view" : "table",
    inDefaultSchema: row.in_default === true,
    ...(row.estimate === null || row.estimate === undefined ? {} : { estimatedRows: Number(row.estimate) }),
  }),
  column: (row): ColumnRow => ({
    id: String(row.id),
    column: pgDiscoveredColumn(
      { name: String(row.name), oid: Number(row.oid), typmod: Number(row.typmod) },
      String(row.source_type),
      row.nullable === true,
    ),
  }),
};
