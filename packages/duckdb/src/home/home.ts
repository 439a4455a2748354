import type { CheckResult, CreateContext, Home, ReadContext } from "@hygge/core";
import { HyggeError, isHyggeError } from "@hygge/core";
import { type RecordBatch, Schema } from "apache-arrow";
import { arrowFieldFromDuckDB } from "../types/from-duckdb.js";
import { Rebatcher } from "./batches.js";
import { abortError, type HomeErrorContext, homeError, PLUGIN, where } from "./errors.js";
import type { DuckDBHomeOptions } from "./options.js";
import { displayQuery, readStatement, stripSemicolon, substituteEntity } from "./query.js";
import { describeColumns, duplicateColumn, Session } from "./session.js";

/**
 * Streams any DuckDB query as Arrow batches. `create()` opens nothing; `read()` opens a connection
 * (on the run's instance for `path`, or a private in-memory one), prepares the query (every column
 * is mapped or refused before a row is read), streams DuckDB's chunks and re-batches them.
 */
export class DuckDBHome implements Home {
  private readonly query: string;
  private readonly errorContext: HomeErrorContext;
  private readonly sessions = new Set<Session>();
  private closed = false;

  constructor(
    private readonly options: DuckDBHomeOptions,
    private readonly create: CreateContext,
  ) {
    this.query = stripSemicolon(substituteEntity(options.query, create.entity ?? create.flow));
    this.errorContext = {
      flow: create.flow,
      entity: create.entity,
      query: this.query,
      projectDir: create.projectDir,
      path: options.path,
    };
  }

  private async session(action: string): Promise<Session> {
    try {
      const session = await Session.open(this.options, this.create, this.errorContext);
      if (this.closed) {
        // close() ran while the connection was opening: nothing may keep it.
        await session.release();
        throw this.closedError();
      }
      this.sessions.add(session);
      return session;
    } catch (error) {
      throw homeError(error, this.errorContext, action);
    }
  }

  private async release(session: Session): Promise<void> {
    this.sessions.delete(session);
    await session.release();
  }

  async *read(ctx: ReadContext): AsyncIterable<RecordBatch> {
    if (ctx.signal.aborted) throw abortError(ctx.signal, this.errorContext);
    const session = await this.session("opening the database for");
    const onAbort = () => session.interrupt();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const stopped = () => ctx.signal.aborted || session.interrupted;
    try {
      if (stopped()) throw this.stopError(ctx);
      const statement = readStatement(this.query, ctx.watermark?.since);
      const prepared = await session.prepare(statement.sql);
      const { fields, types } = describeColumns(prepared);
      if (statement.values.length > 0) prepared.bind(statement.values, statement.types);
      const result = await session.track(() => prepared.stream());
      const batches = new Rebatcher(fields, types, this.options.batch_size);
      for (;;) {
        const chunk = await session.track(() => result.fetchChunk());
        // An interrupted stream ends like a finished one: only the flag tells them apart.
        if (stopped()) break;
        if (!chunk || chunk.rowCount === 0) break;
        yield* batches.push(chunk);
      }
      if (stopped()) throw this.stopError(ctx);
      const last = batches.finish();
      if (last) yield last;
    } catch (error) {
      if (stopped() && !(isHyggeError(error) && error.code !== "ABORTED")) throw this.stopError(ctx);
      throw homeError(error, this.errorContext, "reading");
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
      await this.release(session);
    }
  }

  private stopError(ctx: ReadContext): HyggeError {
    if (ctx.signal.aborted) return abortError(ctx.signal, this.errorContext);
    return this.closedError();
  }

  private closedError(): HyggeError {
    return new HyggeError(
      "ABORTED",
      `duckdb home (${where(this.errorContext)}): the home was closed during the read`,
      {
        plugin: PLUGIN,
        flow: this.errorContext.flow,
        entity: this.errorContext.entity,
      },
    );
  }

  /** The columns `read` produces, from the prepared query (nothing is run). */
  async schema(_ctx: ReadContext): Promise<Schema> {
    const session = await this.session("describing");
    try {
      const { fields } = describeColumns(await session.prepare(this.query));
      return new Schema(fields);
    } catch (error) {
      throw homeError(error, this.errorContext, "describing");
    } finally {
      await this.release(session);
    }
  }

  /** `hygge debug`: the database opens, the query compiles, every column maps to Arrow exactly. */
  async check(): Promise<CheckResult[]> {
    const subject = `duckdb query of ${where(this.errorContext)}`;
    let session: Session | undefined;
    try {
      session = await this.session("opening the database for");
      const prepared = await session.prepare(this.query);
      const out: CheckResult[] = [];
      const columns: string[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < prepared.columnCount; i++) {
        const name = prepared.columnName(i);
        const type = prepared.columnType(i);
        columns.push(`${name} ${String(type)}`);
        const problem = (error: unknown) => {
          const e = homeError(error, this.errorContext, "checking");
          out.push({ ok: false, subject: `${subject}, column "${name}"`, message: e.message, hint: e.hint });
        };
        if (seen.has(name)) problem(duplicateColumn(name));
        seen.add(name);
        try {
          arrowFieldFromDuckDB(name, type);
        } catch (error) {
          problem(error);
        }
      }
      if (out.length === 0)
        out.push({
          ok: true,
          subject,
          message: `query compiles: ${columns.length} columns (${displayQuery(columns.join(", "), 200)})`,
        });
      return out;
    } catch (error) {
      const e = homeError(error, this.errorContext, "checking");
      return [{ ok: false, subject, message: e.message, hint: e.hint }];
    } finally {
      if (session) await this.release(session);
    }
  }

  /** Interrupts reads still under way (an abandoned `next()`), then closes their connections. */
  async close(): Promise<void> {
    this.closed = true;
    const left = [...this.sessions];
    this.sessions.clear();
    await Promise.all(left.map((s) => s.release()));
  }
}
