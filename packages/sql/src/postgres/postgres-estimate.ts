import type { SqlSession, Statement } from "../dialect.js";
import type { TableRef } from "../table-ref.js";
import { postgresSql } from "./postgres-sql.js";

/**
 * A table's row count as of its last VACUUM/ANALYZE (`pg_class.reltuples`), never a scan. -1 when
 * the statistics cannot tell: a table never analyzed (PostgreSQL 14+ says -1; the planner's own
 * guess for one assumes 10 pages, thousands of rows for an empty table), or a partitioned table
 * with such a leaf (a partitioned table holds no rows itself: its leaves' are summed). `kind` is
 * the relkind: `r` table, `m` materialized view, `p` partitioned; others (views, foreign tables)
 * have no row statistics of their own.
 */
export function pgTableStatistics(ref: TableRef): Statement {
  return {
    text:
      "SELECT c.relkind::text AS kind, (CASE WHEN c.relkind = 'p' THEN " +
      "(SELECT CASE WHEN bool_or(l.reltuples < 0) THEN -1 ELSE sum(l.reltuples) END FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf) " +
      "ELSE c.reltuples END)::float8 AS reltuples FROM pg_class c WHERE c.oid = to_regclass($1)",
    params: [postgresSql.table(ref)],
  };
}

/** The planner's row estimate for `statement`, planned with its bound parameters (nothing runs). */
export function pgExplain(statement: Statement): Statement {
  return { text: `EXPLAIN (FORMAT JSON) ${statement.text}`, params: statement.params };
}

/** `Plan Rows` of the top plan node of an `EXPLAIN (FORMAT JSON)` row, or undefined. */
export function planRows(row: Record<string, unknown> | undefined): number | undefined {
  let plan = row?.["QUERY PLAN"];
  if (typeof plan === "string") plan = JSON.parse(plan);
  const rows = (plan as { Plan?: { "Plan Rows"?: unknown } }[] | undefined)?.[0]?.Plan?.["Plan Rows"];
  return typeof rows === "number" && Number.isFinite(rows) && rows >= 0 ? Math.round(rows) : undefined;
}

/** `reltuples` when the statistics know the count (a never-analyzed table does not). */
export function statisticsRows(row: Record<string, unknown> | undefined): number | undefined {
  const cell = row?.reltuples;
  if (cell === null || cell === undefined) return undefined; // a partitioned table without partitions
  const n = Number(cell);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

const OWN_STATISTICS = new Set(["r", "m", "p"]);

/**
 * Rows a PostgreSQL home's `statement` will produce, from statistics, never `count(*)`:
 * - a whole table: `reltuples` (a view or foreign table: the planner's estimate of the select);
 * - a query, or an incremental read from a watermark: the planner's estimate of the very
 *   statement `read` runs, with the watermark bound, so it estimates the rows above the
 *   watermark (the column's histogram), not the whole table's.
 */
export async function postgresEstimate(
  session: SqlSession,
  source: { table?: TableRef; query?: string },
  statement: Statement,
  filtered: boolean,
): Promise<number | undefined> {
  if (source.table && !filtered) {
    const [row] = await session.query(pgTableStatistics(source.table));
    if (!row) return undefined; // the read will say the table is missing
    if (OWN_STATISTICS.has(String(row.kind))) return statisticsRows(row);
  }
  const [plan] = await session.query(pgExplain(statement));
  return planRows(plan);
}
