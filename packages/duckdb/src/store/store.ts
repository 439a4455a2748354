import { existsSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type CheckResult,
  type CommitReport,
  type CommitState,
  type CreateContext,
  faultPoint,
  HyggeError,
  type HyggeErrorCode,
  type RunType,
  type SchemaEvolution,
  type Store,
  type WriteContext,
} from "@hygge/core";
import type { RecordBatch } from "apache-arrow";
import { databasePath, openInstance, quoteIdent } from "../database.js";
import { type ColumnMapping, duckdbColumn } from "../types/to-duckdb.js";
import { duckdbError, type Where } from "./errors.js";
import { evolutionSteps } from "./evolve.js";
import { checkColumnsFit } from "./fit.js";
import { ChunkLoad } from "./load.js";
import type { DuckDBStoreOptions } from "./options.js";
import { publish } from "./publish.js";
import { refuseForeignTable, targetStatus } from "./refuse.js";
import { createStateTable, describeColumns, type Run, readState, tableExists } from "./state.js";
import { displayTable, parseTable, sqlTable, stagingTable, stateTable, type TableRef } from "./table.js";

export const DUCKDB_RUN_TYPES: readonly RunType[] = ["full_drop", "incremental", "merge"];

/**
 * A table of a `.duckdb` file. open() begins one transaction on the entity's own connection; the
 * run's rows are appended into a staging table created inside it, and commit() publishes them
 * (full_drop: drop + rename; incremental: insert; merge: delete matching keys + insert) together
 * with the state row, then commits. Nothing is visible to others before that commit, and a run
 * that fails, is aborted or killed leaves nothing: an uncommitted DuckDB transaction is discarded.
 */
export class DuckDBStore implements Store {
  readonly supports = { runTypes: DUCKDB_RUN_TYPES };
  private readonly target: TableRef;
  private readonly stateRef: TableRef;
  private readonly where: Where;
  private conn?: DuckDBConnection;
  private ctx?: WriteContext;
  private load?: ChunkLoad;
  private columns?: ColumnMapping[];
  private staging?: TableRef;
  private targetExists = false;
  private inTransaction = false;
  private aborted = false;
  /** The statement under way (interrupted by abort()), and whether it is the COMMIT itself. */
  private running?: Promise<unknown>;
  private committing = false;

  constructor(
    private readonly options: DuckDBStoreOptions,
    private readonly create: CreateContext,
  ) {
    this.target = parseTable(options.table, create.entity, create.flow);
    this.stateRef = stateTable(this.target);
    this.where = {
      file: databasePath(options.path, create.projectDir),
      table: displayTable(this.target),
      flow: create.flow,
      ...(create.entity !== undefined ? { entity: create.entity } : {}),
    };
  }

  private fail(error: unknown, action: string, code: HyggeErrorCode = "STORE_WRITE_FAILED") {
    return duckdbError(error, action, this.where, code);
  }

  private async connect(): Promise<DuckDBConnection> {
    const { threads, memory_limit } = this.options;
    const instance = await openInstance(this.create, this.options.path, {
      ...(threads !== undefined ? { threads } : {}),
      ...(memory_limit !== undefined ? { memory_limit } : {}),
    });
    return instance.connect();
  }

  private readonly run: Run = async (sql, values) => {
    const conn = this.conn;
    if (this.aborted || !conn)
      throw new HyggeError("ABORTED", `the load into ${this.where.table} was aborted`);
    const work = conn.runAndReadAll(sql, values);
    this.running = work;
    try {
      return (await work).getRowObjects() as Record<string, unknown>[];
    } finally {
      if (this.running === work) this.running = undefined;
    }
  };

  async open(ctx: WriteContext): Promise<void> {
    this.ctx = ctx;
    try {
      this.conn = await this.connect();
      if (ctx.runType === "merge" && !ctx.primaryKey?.length) {
        throw new HyggeError(
          "CONFIG_INVALID",
          `run_type merge into ${this.where.table} needs a primary_key`,
          {
            subject: this.where.table,
            hint: "Set primary_key: [id] on the flow or entity (merge deletes the rows whose key comes again).",
          },
        );
      }
      // Outside the run's transaction: two entities creating them at once must not conflict.
      if (this.target.schema !== "main")
        await this.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.target.schema)}`);
      await this.run(createStateTable(this.stateRef)).catch(async (error) => {
        if (!(await tableExists(this.run, this.stateRef))) throw error;
      });
      this.targetExists = await tableExists(this.run, this.target);
      if (ctx.runType === "full_drop" && this.targetExists && !this.options.replace_existing) {
        await refuseForeignTable(this.run, this.stateRef, this.target, this.where);
      }
      await this.run("BEGIN TRANSACTION");
      this.inTransaction = true;
    } catch (error) {
      throw this.fail(error, "preparing");
    }
  }

  /** Applies an accepted schema change inside the run's transaction (DuckDB's DDL is transactional). */
  async evolve(evolution: SchemaEvolution): Promise<void> {
    if (!this.targetExists || this.ctx?.runType === "full_drop") return;
    let steps: ReturnType<typeof evolutionSteps>;
    try {
      steps = evolutionSteps(this.target, evolution, await describeColumns(this.run, this.target));
    } catch (error) {
      throw this.fail(error, "preparing the column changes of");
    }
    for (const step of steps) {
      try {
        await this.run(step.statement);
      } catch (error) {
        const e = this.fail(error, step.action);
        throw new HyggeError(e.code, `${e.message}. Nothing was written; ${this.where.table} is as it was.`, {
          subject: step.column,
          cause: e,
          hint: `Make the change yourself (${step.statement}) and run again, or run once with --full-drop.`,
        });
      }
    }
  }

  private async startLoad(batch: RecordBatch): Promise<ChunkLoad> {
    const columns = batch.schema.fields.map((f) => duckdbColumn(f));
    this.columns = columns;
    const ctx = this.ctx!;
    const rowid = columns.find((c) => c.name.toLowerCase() === "rowid");
    if (ctx.runType === "merge" && rowid) {
      // The staged rows' load order is their rowid: a column of that name would hide it.
      throw new HyggeError("SCHEMA_MISMATCH", `a merge cannot load a column named "${rowid.name}"`, {
        subject: rowid.name,
        hint: "Rename the column in the home (DuckDB's rowid orders the staged rows so that the last row of a key wins).",
      });
    }
    if (ctx.runType !== "full_drop" && this.targetExists) {
      checkColumnsFit(
        this.target,
        await describeColumns(this.run, this.target),
        columns,
        ctx.runType === "merge" ? ctx.primaryKey : [],
      );
    }
    this.staging = stagingTable(this.target, ctx.runId);
    const ddl = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ");
    await this.run(`CREATE TABLE ${sqlTable(this.staging)} (${ddl})`);
    if (this.aborted || !this.conn) throw new HyggeError("ABORTED", "the load was aborted");
    return ChunkLoad.start(this.conn, this.staging, columns);
  }

  async write(batch: RecordBatch): Promise<void> {
    try {
      this.load ??= await this.startLoad(batch);
      await this.load.write(batch, () => this.aborted);
    } catch (error) {
      throw this.fail(error, "loading");
    }
  }

  async commit(state: CommitState): Promise<CommitReport> {
    let rows = 0;
    try {
      if (this.load) rows = this.load.finish();
      await publish(this.run, {
        runType: this.ctx!.runType,
        target: this.target,
        targetExists: this.targetExists,
        staging: this.staging,
        primaryKey: this.ctx!.primaryKey ?? [],
        columns: this.columns?.map((c) => c.name) ?? [],
        stateRef: this.stateRef,
        state,
      });
      faultPoint("duckdb:before-commit");
      this.committing = true;
      await this.run("COMMIT");
      this.inTransaction = false;
      faultPoint("duckdb:after-commit");
    } catch (error) {
      throw this.fail(error, "publishing", "STORE_COMMIT_FAILED");
    } finally {
      this.committing = false;
    }
    return { rows, locations: [`${this.where.file}:${this.where.table}`] };
  }

  /**
   * Leaves the file as it was: a statement under way is interrupted (never the COMMIT itself,
   * whose outcome the next committedState() reads), the appender dropped, the transaction
   * rolled back, and the connection closed.
   */
  async abort(_error: unknown): Promise<void> {
    this.aborted = true;
    const conn = this.conn;
    if (!conn) return;
    const running = this.running;
    if (running) {
      if (!this.committing) conn.interrupt();
      await running.catch(() => undefined);
    }
    this.load?.cancel();
    if (this.inTransaction) {
      this.inTransaction = false;
      await conn.run("ROLLBACK").catch(() => undefined);
    }
    this.disconnect();
  }

  private disconnect(): void {
    const conn = this.conn;
    this.conn = undefined;
    try {
      conn?.disconnectSync();
    } catch {
      // Closing a connection of a closed instance: nothing left to release.
    }
  }

  async committedState(): Promise<CommitState | undefined> {
    // Normally after open() (inside the run's transaction); on its own (tools, tests) it connects.
    const own = !this.conn;
    try {
      if (own) this.conn = await this.connect();
      if (!(await tableExists(this.run, this.stateRef))) return undefined;
      // State of a table that is gone (dropped by hand) must not make the next run skip its rows.
      if (!(await tableExists(this.run, this.target))) return undefined;
      const flow = this.ctx?.flow ?? this.create.flow;
      const entity = this.ctx ? this.ctx.entity : this.create.entity;
      return await readState(this.run, this.stateRef, this.target, flow, entity);
    } catch (error) {
      throw this.fail(error, "reading the committed state of");
    } finally {
      if (own) this.disconnect();
    }
  }

  /** For `hygge debug`: the file opens (not locked), and what a full_drop would do to the table. */
  async check(): Promise<CheckResult[]> {
    const subject = `${this.where.file}:${this.where.table}`;
    if (!existsSync(this.where.file))
      return [{ ok: true, subject, message: "database file will be created" }];
    const own = !this.conn;
    try {
      if (own) this.conn = await this.connect();
      const message = await targetStatus(this.run, this.stateRef, this.target, this.options.replace_existing);
      return [{ ok: true, subject, message }];
    } catch (error) {
      const e = this.fail(error, "checking");
      return [{ ok: false, subject, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }];
    } finally {
      if (own) this.disconnect();
    }
  }

  async close(): Promise<void> {
    if (!this.conn) return;
    this.load?.cancel();
    if (this.inTransaction) {
      this.inTransaction = false;
      await this.conn.run("ROLLBACK").catch(() => undefined);
    }
    this.disconnect();
  }
}

export function createDuckDBStore(options: DuckDBStoreOptions, ctx: CreateContext): Store {
  return new DuckDBStore(options, ctx);
}
