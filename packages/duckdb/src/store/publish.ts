import type { CommitState, RunType } from "@hygge/core";
import { quoteIdent } from "../database.js";
import { type Run, writeState } from "./state.js";
import { sqlTable, type TableRef } from "./table.js";

export interface PublishPlan {
  runType: RunType;
  target: TableRef;
  targetExists: boolean;
  /** The run's staging table; undefined when no batch came at all. */
  staging?: TableRef;
  primaryKey: readonly string[];
  /** The columns the run loaded. */
  columns: readonly string[];
  stateRef: TableRef;
  state: CommitState;
}

/**
 * The statements that publish a run, inside its transaction, before COMMIT:
 * - full_drop: the staging table takes the target's place (drop + rename, no copy); no batch at
 *   all empties the target and keeps its columns;
 * - incremental: the staged rows are inserted by column name (a missing target becomes the staging
 *   table);
 * - merge: rows whose key comes again are deleted, then the staged rows inserted, the last row of
 *   a key within the run winning (staging keeps load order in its rowid);
 * and the state row, in every case.
 */
export async function publish(run: Run, plan: PublishPlan): Promise<void> {
  const { target, staging } = plan;
  const into = sqlTable(target);
  if (!staging) {
    if (plan.runType === "full_drop" && plan.targetExists) await run(`DELETE FROM ${into}`);
  } else if (plan.runType === "full_drop" || !plan.targetExists) {
    if (plan.targetExists) await run(`DROP TABLE ${into}`);
    if (plan.runType === "merge") await dedupe(run, staging, plan.primaryKey);
    await run(`ALTER TABLE ${sqlTable(staging)} RENAME TO ${quoteIdent(target.name)}`);
  } else if (plan.runType === "incremental") {
    await run(`INSERT INTO ${into} BY NAME SELECT * FROM ${sqlTable(staging)}`);
    await run(`DROP TABLE ${sqlTable(staging)}`);
  } else {
    const from = sqlTable(staging);
    const on = plan.primaryKey.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(" AND ");
    await dedupe(run, staging, plan.primaryKey);
    await run(`DELETE FROM ${into} AS t USING ${from} AS s WHERE ${on}`);
    await run(`INSERT INTO ${into} BY NAME SELECT * FROM ${from}`);
    await run(`DROP TABLE ${from}`);
  }
  await writeState(run, plan.stateRef, plan.state, target);
}

/** Keeps the last staged row of each key (NULL keys count as one key, as in the SQL stores). */
async function dedupe(run: Run, staging: TableRef, key: readonly string[]): Promise<void> {
  const table = sqlTable(staging);
  const keys = key.map(quoteIdent).join(", ");
  await run(
    `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} QUALIFY row_number() OVER (PARTITION BY ${keys} ORDER BY rowid DESC) > 1)`,
  );
}
