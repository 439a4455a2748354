import type { CheckResult, CreateContext, Home, ReadContext } from "@hygge/core";
import type { RecordBatch, Schema } from "apache-arrow";
import { type ConnectionHandle, resolveConnection, type SqlType } from "./connection.js";
import type { SqlSession, Statement } from "./dialect.js";
import { abortError, sqlError } from "./errors.js";
import { mssqlEstimate, mssqlEstimates } from "./mssql/mssql-estimate.js";
import type { SqlHomeOptions } from "./options.js";
import { postgresEstimate } from "./postgres/postgres-estimate.js";
import { displayTable, parseTableRef, substituteEntity, type TableRef } from "./table-ref.js";

/** What a home reads: a table, or a query whose `{entity}` became a quoted identifier. */
export function homeSource(
  options: SqlHomeOptions,
  ctx: Pick<CreateContext, "entity" | "flow">,
  quote: (identifier: string) => string,
): { table?: TableRef; query?: string } {
  if (options.table) return { table: parseTableRef(substituteEntity(options.table, ctx.entity, ctx.flow)) };
  return { query: options.query!.split("{entity}").join(quote(ctx.entity ?? ctx.flow)) };
}

/**
 * Reads a table or query as Arrow batches. `create()` opens nothing; `read()` takes one session
 * from the run's shared pool and streams with backpressure: the next rows are fetched only when
 * the consumer asks for the next batch.
 */
export class SqlHome implements Home {
  private readonly source: { table?: TableRef; query?: string };
  private readonly what: string;
  /** Sessions of reads under way: close() gives up those a cancelled flow left behind. */
  private readonly sessions = new Set<SqlSession>();

  constructor(
    private readonly connection: ConnectionHandle,
    private readonly options: SqlHomeOptions,
    ctx: Pick<CreateContext, "entity" | "flow">,
  ) {
    this.source = homeSource(options, ctx, connection.dialect.sql.quote);
    this.what = this.source.table ? displayTable(this.source.table) : "query";
  }

  async *read(ctx: ReadContext): AsyncIterable<RecordBatch> {
    const session = await this.connection.session();
    this.sessions.add(session);
    // The engine may stop waiting for a `next()` stuck on I/O: the read's connection is then
    // destroyed (and its server statement ended), which also settles that `next()`.
    const onAbort = () => {
      if (session.busy) void session.abandon();
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    let clean = false;
    try {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      const statement = await this.statement(session, ctx);
      yield* session.stream(statement, { batchSize: this.options.batch_size, signal: ctx.signal });
      clean = true;
    } catch (error) {
      throw sqlError(
        error,
        this.connection.errorContext(`reading ${this.what}`, this.what),
        "HOME_READ_FAILED",
      );
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
      this.sessions.delete(session);
      session.release(!clean);
    }
  }

  /** The SELECT `read` runs: the watermark's bound, and code-point order for a string one. */
  private async statement(session: SqlSession, ctx: ReadContext): Promise<Statement> {
    const since = ctx.watermark?.since;
    const sql = this.connection.dialect.sql;
    let codePoint = false;
    if (since?.kind === "string" && this.source.table && sql.codePointColumn) {
      const [row] = await session.query(sql.codePointColumn(this.source.table, since.column));
      codePoint = row?.codepoint === true;
    }
    return sql.select(this.source, this.options.columns, since, { codePoint });
  }

  /**
   * Rows `read` will produce, from the database's statistics, never by counting (progress bars;
   * see postgresEstimate, mssqlEstimate). A read from a watermark is estimated as filtered, or not
   * at all: never as the whole table. The engine bounds it (`timeouts.estimate`) and treats a
   * failure as no estimate; a cancelled run ends it (close()).
   */
  async estimateRows(ctx: ReadContext): Promise<number | undefined> {
    const filtered = ctx.watermark?.since !== undefined;
    const postgres = this.connection.dialect.type === "postgres";
    if (!postgres && !mssqlEstimates(this.source, filtered)) return undefined;
    const session = await this.connection.session();
    this.sessions.add(session);
    const onAbort = () => {
      if (session.busy) void session.abandon();
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    let clean = false;
    try {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      const estimate = postgres
        ? await postgresEstimate(session, this.source, await this.statement(session, ctx), filtered)
        : await mssqlEstimate(session, this.source.table!);
      clean = true;
      return estimate;
    } catch (error) {
      throw sqlError(
        error,
        this.connection.errorContext(`estimating the rows of ${this.what}`, this.what),
        "HOME_READ_FAILED",
      );
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
      this.sessions.delete(session);
      session.release(!clean);
    }
  }

  /**
   * The columns `read` produces, without reading a row (`hygge debug` compares them with the
   * destination's): the same statement and type mapping, so an unreadable type is refused alike.
   */
  async schema(_ctx: ReadContext): Promise<Schema> {
    const sql = this.connection.dialect.sql;
    const session = await this.connection.session();
    let clean = false;
    try {
      const schema = await session.describe(sql.select(this.source, this.options.columns));
      clean = true;
      return schema;
    } catch (error) {
      throw sqlError(
        error,
        this.connection.errorContext(`describing ${this.what}`, this.what),
        "HOME_READ_FAILED",
      );
    } finally {
      session.release(!clean);
    }
  }

  /** Destroys the connections of reads still under way (an abandoned `next()` or `return()`). */
  async close(): Promise<void> {
    const left = [...this.sessions];
    this.sessions.clear();
    await Promise.all(left.map((s) => s.abandon()));
  }

  async check(): Promise<CheckResult[]> {
    const subject = `${this.connection.name} (${this.connection.display})`;
    let session: Awaited<ReturnType<ConnectionHandle["session"]>> | undefined;
    try {
      session = await this.connection.session();
      const out: CheckResult[] = [{ ok: true, subject, message: "connection answers" }];
      if (this.source.table) {
        const [row] = await session.query(this.connection.dialect.sql.tableExists(this.source.table));
        const ok = Boolean(row?.present);
        out.push({
          ok,
          subject: this.what,
          message: ok ? "table exists" : "table not found",
          ...(ok ? {} : { hint: "Check the table name and schema, and that the user may see it." }),
        });
      }
      return out;
    } catch (error) {
      const e = sqlError(error, this.connection.errorContext("checking"), "CONNECTION_FAILED");
      return [{ ok: false, subject, message: e.message, hint: e.hint }];
    } finally {
      session?.release();
    }
  }
}

export function createSqlHome(type: SqlType, options: SqlHomeOptions, ctx: CreateContext): Home {
  return new SqlHome(resolveConnection(ctx, options.connection, type), options, ctx);
}
