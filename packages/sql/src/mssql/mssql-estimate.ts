import type { SqlSession, Statement } from "../dialect.js";
import type { TableRef } from "../table-ref.js";
import { mssqlSql } from "./mssql-sql.js";

/**
 * A table's rows as the engine keeps them in its metadata (`sys.partitions.rows` of the heap or
 * clustered index, summed over partitions): no scan, and no VIEW DATABASE STATE permission
 * (which `sys.dm_db_partition_stats` needs for the same figure). NULL for a view (no partitions).
 */
export function mssqlTableStatistics(ref: TableRef): Statement {
  return {
    text: "SELECT CAST(SUM(p.rows) AS varchar(30)) AS estimate FROM sys.partitions p WHERE p.object_id = OBJECT_ID(@p1) AND p.index_id IN (0, 1)",
    params: [mssqlSql.table(ref)],
  };
}

/** The `estimate` cell (a bigint as text), or undefined when NULL. */
export function partitionRows(row: Record<string, unknown> | undefined): number | undefined {
  const cell = row?.estimate;
  if (cell === null || cell === undefined) return undefined;
  const n = Number(cell);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * A SQL Server home is estimated for a whole table only. A query or a read from a watermark gets
 * no estimate: the plan's estimate needs SET SHOWPLAN_XML in a batch of its own, the SHOWPLAN
 * permission and parsing XML, and the table's count would claim rows the filter leaves out.
 */
export const mssqlEstimates = (source: { table?: TableRef; query?: string }, filtered: boolean): boolean =>
  source.table !== undefined && !filtered;

/** Rows a SQL Server home reading a whole `table` will produce (see mssqlEstimates). */
export async function mssqlEstimate(session: SqlSession, table: TableRef): Promise<number | undefined> {
  const [row] = await session.query(mssqlTableStatistics(table));
  return partitionRows(row);
}
