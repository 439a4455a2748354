import { type CommitState, commitStateOfRow, type StateRow } from "@hygge/core";
import type { TableColumn } from "./fit.js";
import { displayTable, sqlTable, type TableRef } from "./table.js";

/** Runs one statement with bound values and gives its rows as plain objects. */
export type Run = (sql: string, values?: (string | null)[]) => Promise<Record<string, unknown>[]>;

export async function tableExists(run: Run, ref: TableRef): Promise<boolean> {
  const rows = await run(
    "SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2",
    [ref.schema, ref.name],
  );
  return rows.length > 0;
}

export async function describeColumns(run: Run, ref: TableRef): Promise<TableColumn[]> {
  const rows = await run(
    "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2 ORDER BY column_index",
    [ref.schema, ref.name],
  );
  return rows.map((r) => ({
    name: String(r.column_name),
    type: String(r.data_type),
    nullable: Boolean(r.is_nullable),
  }));
}

/** The state table: one row per (flow, entity), written in the transaction that publishes the data. */
export const createStateTable = (ref: TableRef) =>
  `CREATE TABLE IF NOT EXISTS ${sqlTable(ref)} (flow VARCHAR NOT NULL, entity VARCHAR NOT NULL, run_id VARCHAR NOT NULL, run_type VARCHAR NOT NULL, committed_at VARCHAR NOT NULL, watermark JSON, target VARCHAR, "schema" JSON, PRIMARY KEY (flow, entity))`;

export async function writeState(
  run: Run,
  ref: TableRef,
  state: CommitState,
  target: TableRef,
): Promise<void> {
  await run(
    `INSERT INTO ${sqlTable(ref)} (flow, entity, run_id, run_type, committed_at, watermark, target, "schema") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (flow, entity) DO UPDATE SET run_id = EXCLUDED.run_id, run_type = EXCLUDED.run_type, committed_at = EXCLUDED.committed_at, watermark = EXCLUDED.watermark, target = EXCLUDED.target, "schema" = EXCLUDED."schema"`,
    [
      state.flow,
      state.entity ?? "",
      state.runId,
      state.runType,
      state.committedAt,
      state.watermark ? JSON.stringify(state.watermark) : null,
      displayTable(target),
      state.schema ? JSON.stringify(state.schema) : null,
    ],
  );
}

/** The committed state of (flow, entity) for `target`; undefined when none, or when it describes another table. */
export async function readState(
  run: Run,
  ref: TableRef,
  target: TableRef,
  flow: string,
  entity: string | undefined,
): Promise<CommitState | undefined> {
  const [row] = await run(
    `SELECT run_id, run_type, committed_at, watermark::VARCHAR AS watermark, target, "schema"::VARCHAR AS "schema" FROM ${sqlTable(ref)} WHERE flow = $1 AND entity = $2`,
    [flow, entity ?? ""],
  );
  if (!row || String(row.target) !== displayTable(target)) return undefined;
  return commitStateOfRow(row as unknown as StateRow, flow, entity);
}

/** True when some flow's state row says hygge published `target`. */
export async function ownedByHygge(run: Run, ref: TableRef, target: TableRef): Promise<boolean> {
  if (!(await tableExists(run, ref))) return false;
  return (
    (await run(`SELECT 1 FROM ${sqlTable(ref)} WHERE target = $1 LIMIT 1`, [displayTable(target)])).length > 0
  );
}

export async function rowCount(run: Run, ref: TableRef): Promise<string> {
  const [row] = await run(`SELECT count(*)::VARCHAR AS n FROM ${sqlTable(ref)}`);
  return String(row?.n ?? "?");
}
