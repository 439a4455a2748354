import { randomUUID } from "node:crypto";
import {
  type CheckResult,
  type CommitReport,
  type CommitState,
  type CreateContext,
  commitStateOfRow,
  faultPoint,
  HyggeError,
  type PublishedColumns,
  type RunType,
  type SchemaEvolution,
  type StateRow,
  type Store,
  type WriteContext,
} from "@hygge/core";
import type { RecordBatch, Schema } from "apache-arrow";
import { type ConnectionHandle, resolveConnection, type SqlType } from "./connection.js";
import type { BulkLoad, SqlSession, Statement } from "./dialect.js";
import { sqlError } from "./errors.js";
import { evolutionSteps } from "./evolve-table.js";
import type { SqlStoreOptions } from "./options.js";
import { checkStorePolicy, within } from "./store-policy.js";
import { checkColumnsFit, describeColumns, refuseForeignTable } from "./table-guard.js";
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
  private aborted = false;

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
    if (this.aborted || !this.session) {
      // A write abandoned by abort() must not go on with another statement.
      return Promise.reject(
        new HyggeError("ABORTED", `the load into ${displayTable(this.target)} was aborted`, {
          subject: displayTable(this.target),
        }),
      );
    }
    return this.session.query(typeof text === "string" ? { text, params: [] } : text);
  }

  async open(ctx: WriteContext): Promise<void> {
    this.ctx = ctx;
    this.session = await this.connection.session();
    try {
      // Checked before anything is created or dropped: a refused run changes nothing.
      const stateExists = await this.exists(this.stateRef);
      if (stateExists) await this.run(this.sql.migrateStateTable(this.stateRef));
      this.targetExists = await this.exists(this.target);
      checkStorePolicy(this.target, this.options, ctx, this.targetExists);
      if (ctx.runType === "full_drop" && this.targetExists && this.options.if_exists === "replace") {
        if (!this.options.replace_existing) {
          await refuseForeignTable((s) => this.run(s), this.sql, this.target, {
            ref: this.stateRef,
            exists: stateExists,
            flow: ctx.flow,
            entity: ctx.entity,
            table: displayTable(this.stateRef),
          });
        }
      }
      if (!stateExists) {
        await this.run(this.sql.createStateTable(this.stateRef)).catch(async (error) => {
          // Two entities creating the state table at once: the loser finds it there.
          if (!(await this.exists(this.stateRef))) throw error;
        });
        await this.run(this.sql.migrateStateTable(this.stateRef));
      }
      for (const row of await this.run(
        this.sql.listStaging(this.target.schema, stagingPrefix(this.target)),
      )) {
        await this.run(this.sql.dropTable({ ...this.stateRef, name: String(row.name) }));
      }
    } catch (error) {
      throw this.fail(error, "preparing");
    }
    try {
      await this.session.begin();
      this.inTransaction = true;
    } catch (error) {
      throw this.fail(error, "starting a transaction for");
    }
  }

  /**
   * Applies an accepted schema change to the existing table, inside the run's transaction (opened
   * in open()): PostgreSQL and SQL Server DDL is transactional, so a failed or aborted run rolls
   * it back with the data. A table that does not exist yet is created from the first batch.
   */
  async evolve(evolution: SchemaEvolution): Promise<void> {
    if (!this.targetExists || this.ctx?.runType === "full_drop") return;
    const where = displayTable(this.target);
    let steps: ReturnType<typeof evolutionSteps>;
    try {
      const columns = await describeColumns((s) => this.run(s), this.sql, this.target);
      const read = await this.session!.describe(this.sql.select({ table: this.target }), {
        placeholders: true,
      });
      steps = evolutionSteps(
        this.sql,
        this.target,
        evolution,
        columns,
        this.connection.dialect.type === "mssql",
        read,
      );
    } catch (error) {
      throw this.fail(error, "preparing the column changes of");
    }
    for (const step of steps) {
      try {
        await this.run(step.statement);
      } catch (error) {
        const e = this.fail(error, step.action);
        const byHand = `Make the change to ${where} yourself (${step.statement}) and run again, or run once with --full-drop to recreate the table from the source's columns.`;
        throw new HyggeError(e.code, `${e.message}. Nothing was written; ${where} is as it was.`, {
          subject: step.column,
          transient: e.transient,
          cause: e,
          hint: e.hint ? `${e.hint} ${byHand}` : byHand,
        });
      }
    }
  }

  /** The existing table's columns as the SQL home would read them (unmapped types as Null). */
  async publishedSchema(): Promise<PublishedColumns | undefined> {
    const own = this.session ? undefined : await this.connection.session();
    if (own) this.session = own;
    try {
      if (!(await this.exists(this.target))) return undefined;
      // The database's types mapped back to Arrow: not the source's own (exact: false).
      return {
        schema: await this.session!.describe(this.sql.select({ table: this.target }), { placeholders: true }),
      };
    } catch (error) {
      throw this.fail(error, "reading the columns of");
    } finally {
      if (own) {
        this.session = undefined;
        own.release();
      }
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
      } else {
        await checkColumnsFit((s) => this.run(s), this.sql, this.target, schema, {
          caseInsensitive: this.connection.dialect.type === "mssql",
          ...(runType === "merge" && key ? { primaryKey: key } : {}),
        });
      }
      if (runType === "merge") {
        into = this.staging = this.newStaging();
        await this.run(this.sql.createTable(into, schema));
      }
    }
    if (this.aborted || !this.session) throw new HyggeError("ABORTED", "the load was aborted");
    return this.session.bulkLoad(
      into,
      schema,
      into === this.target ? undefined : runType === "merge" ? this.target : undefined,
    );
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

  /**
   * Leaves the destination as it was. A statement or COPY still under way (a write or commit the
   * engine stopped waiting for) is cancelled on the server and its connection destroyed, never
   * returned to the pool; otherwise the transaction is rolled back, within cancel_timeout_ms.
   */
  async abort(_error: unknown): Promise<void> {
    this.aborted = true;
    const session = this.session;
    if (!session) return;
    if (session.busy) {
      await this.abandon(session);
      return;
    }
    if (this.inTransaction) {
      this.inTransaction = false;
      if (!(await within(session.rollback(), this.connection.cancelTimeoutMs))) await this.abandon(session);
    }
  }

  private async abandon(session: SqlSession): Promise<void> {
    this.session = undefined;
    this.inTransaction = false;
    await session.abandon();
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
      return commitStateOfRow(row as unknown as StateRow, flow, entity);
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
      // Whether a full_drop would be refused (the table is not hygge's and no opt-in is set).
      const foreign =
        exists &&
        !this.options.replace_existing &&
        !(
          (await this.exists(this.stateRef)) &&
          (
            await this.run(
              this.sql.ownsTarget(this.stateRef, this.target, this.names.flow, this.names.entity),
            )
          ).length > 0
        );
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
            ? foreign
              ? "table exists and its schema is writable; hygge did not create it: a full_drop would stop without replace_existing: true"
              : "table exists and its schema is writable"
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
    const session = this.session;
    if (!session) return;
    if (session.busy) return this.abandon(session);
    if (this.inTransaction) {
      this.inTransaction = false;
      if (!(await within(session.rollback(), this.connection.cancelTimeoutMs))) return this.abandon(session);
    }
    this.session = undefined;
    session.release();
  }
}

export function createSqlStore(type: SqlType, options: SqlStoreOptions, ctx: CreateContext): Store {
  return new SqlStore(resolveConnection(ctx, options.connection, type), options, {
    flow: ctx.flow,
    entity: ctx.entity,
  });
}
