import { randomUUID } from "node:crypto";
import {
  type CheckResult,
  type CommitReport,
  type CommitState,
  type CreateContext,
  faultPoint,
  HyggeError,
  type RunType,
  type Store,
  type WriteContext,
} from "@hygge/core";
import type { RecordBatch, Schema } from "apache-arrow";
import { type ConnectionHandle, resolveConnection, type SqlType } from "./connection.js";
import type { BulkLoad, SqlSession, Statement } from "./dialect.js";
import { sqlError } from "./errors.js";
import type { SqlStoreOptions } from "./options.js";
import {
  displayTable,
  parseTableRef,
  stagingName,
  stagingPrefix,
  substituteEntity,
  type TableRef,
} from "./table-ref.js";

export const SQL_RUN_TYPES: readonly RunType[] = ["full_drop", "incremental", "merge"];

/**
 * Writes one table through the dialect's bulk path, inside one transaction that also writes the
 * run state: data and watermark are published together or not at all (ARCHITECTURE.md §4).
 * full_drop loads a staging table and swaps it in; incremental appends; merge upserts on the key.
 */
export class SqlStore implements Store {
  readonly supports = { runTypes: SQL_RUN_TYPES };
  private readonly target: TableRef;
  private readonly stateRef: TableRef;
  private session?: SqlSession;
  private ctx?: WriteContext;
  private load?: BulkLoad;
  private staging?: TableRef;
  private schema?: Schema;
  private targetExists = false;
  private inTransaction = false;
  private broken = false;

  constructor(
    private readonly connection: ConnectionHandle,
    private readonly options: SqlStoreOptions,
    private readonly names: { flow: string; entity?: string },
  ) {
    this.target = parseTableRef(substituteEntity(options.table, names.entity, names.flow));
    this.stateRef = {
      ...(this.target.schema ? { schema: this.target.schema } : {}),
      name: options.state_table,
    };
  }

  private get sql() {
    return this.connection.dialect.sql;
  }
  private fail(
    error: unknown,
    action: string,
    code: "STORE_WRITE_FAILED" | "STORE_COMMIT_FAILED" = "STORE_WRITE_FAILED",
  ) {
    const where = displayTable(this.target);
    return sqlError(error, this.connection.errorContext(`${action} ${where}`, where), code);
  }
  private run(text: string | Statement) {
    return this.session!.query(typeof text === "string" ? { text, params: [] } : text);
  }

  async open(ctx: WriteContext): Promise<void> {
    this.ctx = ctx;
    this.session = await this.connection.session();
    try {
      await this.run(this.sql.createStateTable(this.stateRef)).catch(async (error) => {
        // Two entities creating the state table at once: the loser finds it there.
        if (!(await this.exists(this.stateRef))) throw error;
      });
      await this.run(this.sql.migrateStateTable(this.stateRef));
      for (const row of await this.run(
        this.sql.listStaging(this.target.schema, stagingPrefix(this.target)),
      )) {
        await this.run(this.sql.dropTable({ ...this.stateRef, name: String(row.name) }));
      }
      this.targetExists = await this.exists(this.target);
    } catch (error) {
      throw this.fail(error, "preparing");
    }
    this.checkPolicy(ctx);
    try {
      await this.session.begin();
      this.inTransaction = true;
    } catch (error) {
      throw this.fail(error, "starting a transaction for");
    }
  }

  private checkPolicy(ctx: WriteContext): void {
    const where = displayTable(this.target);
    if (!this.targetExists && this.options.if_missing === "fail") {
      throw new HyggeError("STORE_WRITE_FAILED", `table ${where} does not exist and if_missing is fail`, {
        subject: where,
        hint: "Create the table first, or set if_missing: create.",
      });
    }
    if (ctx.runType === "full_drop" && this.targetExists && this.options.if_exists === "fail") {
      throw new HyggeError("STORE_WRITE_FAILED", `table ${where} exists and if_exists is fail`, {
        subject: where,
        hint: "Drop the table yourself, or set if_exists: replace to let full_drop swap it.",
      });
    }
    if (ctx.runType === "merge" && !ctx.primaryKey?.length) {
      throw new HyggeError("CONFIG_INVALID", `run_type merge into ${where} needs a primary_key`, {
        subject: where,
        hint: "Set primary_key: [id] on the flow or entity.",
      });
    }
  }

  private async exists(ref: TableRef): Promise<boolean> {
    const [row] = await this.run(this.sql.tableExists(ref));
    return Boolean(row?.present);
  }

  private newStaging(): TableRef {
    return {
      ...(this.target.schema ? { schema: this.target.schema } : {}),
      name: stagingName(this.target, randomUUID()),
    };
  }

  private async startLoad(schema: Schema): Promise<BulkLoad> {
    const runType = this.ctx!.runType;
    const key = this.ctx!.primaryKey;
    this.schema = schema;
    let into = this.target;
    if (runType === "full_drop") {
      into = this.staging = this.newStaging();
      await this.run(this.sql.createTable(into, schema, key));
    } else {
      if (!this.targetExists) {
        await this.run(this.sql.createTable(this.target, schema, key));
        this.targetExists = true;
      }
      if (runType === "merge") {
        into = this.staging = this.newStaging();
        await this.run(this.sql.createTable(into, schema));
      }
    }
    return this.session!.bulkLoad(into, schema);
  }

  async write(batch: RecordBatch): Promise<void> {
    try {
      this.load ??= await this.startLoad(batch.schema);
      await this.load.write(batch);
    } catch (error) {
      throw this.fail(error, "loading");
    }
  }

  async commit(state: CommitState): Promise<CommitReport> {
    let rows = 0;
    try {
      if (this.load) rows = await this.load.finish();
      else if (this.ctx!.runType === "full_drop" && this.targetExists) {
        // No batch at all: publish an empty table with the old columns.
        this.staging = this.newStaging();
        await this.run(this.sql.createTableLike(this.staging, this.target));
      }
      if (this.staging && this.ctx!.runType === "full_drop") {
        for (const s of this.sql.swap(this.staging, this.target, this.targetExists)) await this.run(s);
      } else if (this.staging && this.schema) {
        const columns = this.schema.fields.map((f) => f.name);
        for (const s of this.sql.merge(this.staging, this.target, columns, this.ctx!.primaryKey!))
          await this.run(s);
        await this.run(this.sql.dropTable(this.staging));
      }
      await this.run(this.sql.upsertState(this.stateRef, state, displayTable(this.target)));
      faultPoint("sql:before-commit");
      await this.session!.commit();
      this.inTransaction = false;
      faultPoint("sql:after-commit");
    } catch (error) {
      throw this.fail(error, "publishing", "STORE_COMMIT_FAILED");
    }
    return { rows, locations: [`${this.connection.name}:${displayTable(this.target)}`] };
  }

  async abort(_error: unknown): Promise<void> {
    try {
      await this.load?.cancel();
      if (this.inTransaction) await this.session?.rollback();
      this.inTransaction = false;
    } catch {
      // The server rolls back when the connection is destroyed: close() does that.
      this.broken = true;
    }
  }

  async committedState(): Promise<CommitState | undefined> {
    // Normally called after open(); on its own (tools, tests) it borrows a session.
    const own = this.session ? undefined : await this.connection.session();
    if (own) this.session = own;
    try {
      if (!(await this.exists(this.stateRef))) return undefined;
      // State of a table that is gone (dropped by hand) must not make the next run skip its rows.
      if (!(await this.exists(this.target))) return undefined;
      // Keyed like commit() writes it: by the flow and entity of the run (open's context).
      const flow = this.ctx?.flow ?? this.names.flow;
      const entity = this.ctx ? this.ctx.entity : this.names.entity;
      const [row] = await this.run(this.sql.selectState(this.stateRef, flow, entity));
      if (!row) return undefined;
      // The entity now publishes to another table: that table's history is not loaded yet.
      if (row.target && String(row.target) !== displayTable(this.target)) return undefined;
      const watermark = row.watermark ? JSON.parse(String(row.watermark)) : undefined;
      return {
        runId: String(row.run_id),
        runType: String(row.run_type) as RunType,
        flow,
        ...(entity !== undefined ? { entity } : {}),
        committedAt: String(row.committed_at),
        ...(watermark ? { watermark } : {}),
      };
    } catch (error) {
      throw this.fail(error, "reading the committed state of");
    } finally {
      if (own) {
        this.session = undefined;
        own.release();
      }
    }
  }

  async check(): Promise<CheckResult[]> {
    const subject = displayTable(this.target);
    let session: SqlSession | undefined;
    let clean = false;
    try {
      session = await this.connection.session();
      this.session = session;
      const exists = await this.exists(this.target);
      // A table we may create (and roll back) in the target schema proves the user can publish there.
      await session.begin();
      await this.run(`CREATE TABLE ${this.sql.table(this.newStaging())} (x integer)`);
      await session.rollback();
      clean = true;
      return [
        {
          ok: true,
          subject: this.connection.name,
          message: `connection answers (${this.connection.display})`,
        },
        {
          ok: true,
          subject,
          message: exists
            ? "table exists and its schema is writable"
            : "table will be created (schema writable)",
        },
      ];
    } catch (error) {
      const e = this.fail(error, "checking");
      return [{ ok: false, subject, message: e.message, hint: e.hint }];
    } finally {
      this.session = undefined;
      session?.release(!clean);
    }
  }

  async close(): Promise<void> {
    if (this.inTransaction) await this.session?.rollback().catch(() => (this.broken = true));
    this.session?.release(this.broken);
    this.session = undefined;
  }
}

export function createSqlStore(type: SqlType, options: SqlStoreOptions, ctx: CreateContext): Store {
  return new SqlStore(resolveConnection(ctx, options.connection, type), options, {
    flow: ctx.flow,
    entity: ctx.entity,
  });
}
