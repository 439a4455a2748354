import { isHyggeError } from "@hygge/core";
import { Field, makeData, Null, RecordBatch, Schema, Struct } from "apache-arrow";
import type { ConnectionPool, Request, Transaction } from "mssql";
import type { BulkLoad, SqlSession, Statement, StreamOptions } from "../dialect.js";
import { abortError } from "../errors.js";
import type { TableRef } from "../table-ref.js";
import { bulkTable } from "./mssql-bulk.js";
import { mssqlQuote, mssqlSql } from "./mssql-sql.js";
import { checkTargetColumns, targetColumnsQuery } from "./mssql-target.js";
import { type MssqlColumn, mssqlReadPlan } from "./mssql-types.js";
import { isTypedParam } from "./mssql-watermark.js";

type MssqlModule = typeof import("mssql");

/** A SQL Server session over the run's pool: one transaction at a time, streaming reads. */
export class MssqlSession implements SqlSession {
  private tx?: Transaction;
  /** The transaction's own connection (tedious), closed when the session is abandoned. */
  private txConnection?: { close(): void };
  private readonly active = new Set<Request>();
  private abandoned = false;
  constructor(
    private readonly sql: MssqlModule,
    private readonly pool: ConnectionPool,
  ) {}

  get busy(): boolean {
    return this.active.size > 0;
  }

  private request(statement: Statement): Request {
    const request = new this.sql.Request((this.tx ?? this.pool) as never);
    statement.params.forEach((value, i) => {
      if (isTypedParam(value)) request.input(`p${i + 1}`, this.sql[value.mssqlType], value.value);
      else request.input(`p${i + 1}`, value);
    });
    return request;
  }

  /** Runs `work` on `request`, remembered as under way until it settles (abandon() cancels it). */
  private async track<T>(request: Request, work: (r: Request) => Promise<T>): Promise<T> {
    if (this.abandoned) throw new Error("hygge: connection abandoned");
    this.active.add(request);
    try {
      return await work(request);
    } finally {
      this.active.delete(request);
    }
  }

  async query(statement: Statement): Promise<Record<string, unknown>[]> {
    const result = await this.track(this.request(statement), (r) => r.query(statement.text));
    return (result.recordset ?? []) as Record<string, unknown>[];
  }

  /** The result's columns in order (TOP (0): no row read), as the type table sees them. */
  private async resultColumns(statement: Statement): Promise<MssqlColumn[]> {
    const probe = await this.track(this.request(statement), (r) =>
      r.query(`SELECT TOP (0) * FROM (${statement.text}) AS hygge_q`),
    );
    return Object.values(probe.recordset.columns)
      .sort((a, b) => a.index - b.index)
      .map((c) => ({
        name: c.name,
        type: (c.type as unknown as { declaration: string }).declaration,
        precision: c.precision,
        scale: c.scale,
        length: c.length,
      }));
  }

  async describe(statement: Statement, options?: { placeholders?: boolean }): Promise<Schema> {
    const fields = (await this.resultColumns(statement)).map((c) => {
      try {
        const plan = mssqlReadPlan(c);
        return new Field(c.name, plan.builder(0).type, true, plan.metadata);
      } catch (error) {
        if (options?.placeholders && isHyggeError(error)) return new Field(c.name, new Null(), true);
        throw error;
      }
    });
    return new Schema(fields);
  }

  async *stream(statement: Statement, options: StreamOptions): AsyncIterable<RecordBatch> {
    // 1. Describe the result, 2. select it again with decimals and timestamps as exact text.
    const described = await this.resultColumns(statement);
    const plans = described.map(mssqlReadPlan);
    const builders = plans.map((p) => p.builder(options.batchSize));
    const schema = new Schema(
      described.map((c, i) => new Field(c.name, builders[i]!.type, true, plans[i]!.metadata)),
    );
    const select = described.map(
      (c, i) => `${plans[i]!.expression(`hygge_q.${mssqlQuote(c.name)}`)} AS ${mssqlQuote(c.name)}`,
    );
    const request = this.request(statement);
    this.active.add(request);
    request.stream = true;
    request.arrayRowMode = true;
    const ready: RecordBatch[] = [];
    let rows = 0;
    let finished = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const flush = () => {
      const children = builders.map((b) => b.finish());
      ready.push(
        new RecordBatch(
          schema,
          makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }),
        ),
      );
      rows = 0;
    };
    request.on("row", (row: unknown[]) => {
      for (let c = 0; c < builders.length; c++) builders[c]!.push(row[c]);
      if (++rows === options.batchSize) {
        flush();
        request.pause(); // backpressure: resumed when the consumer took the batch
        wake?.();
      }
    });
    request.on("error", (e) => {
      failure = e;
      wake?.();
    });
    request.on("done", () => {
      finished = true;
      wake?.();
    });
    // In stream mode errors arrive as 'error' events; the promise itself always resolves.
    request.query(`SELECT ${select.join(", ")} FROM (${statement.text}) AS hygge_q`).catch(() => undefined);
    let yielded = false;
    try {
      for (;;) {
        if (options.signal.aborted) throw abortError(options.signal);
        if (failure) throw failure;
        const next = ready.shift();
        if (next) {
          yielded = true;
          yield next;
          continue;
        }
        if (finished) {
          if (rows > 0 || !yielded) flush();
          const last = ready.shift();
          if (last) yield last;
          return;
        }
        request.resume();
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.active.delete(request);
      if (!finished) request.cancel();
    }
  }

  async begin() {
    const tx = new this.sql.Transaction(this.pool);
    await tx.begin();
    this.tx = tx;
    // Learn which pooled connection the transaction holds, so that abandon() can close it
    // instead of letting it go back to the pool (Transaction.acquire/release: mssql's own API).
    const holder = tx as unknown as {
      acquire(r: unknown, cb: (e: unknown, c?: { close(): void }) => void): void;
      release(c: unknown): void;
    };
    this.txConnection = await new Promise<{ close(): void } | undefined>((resolve) =>
      holder.acquire(this, (error, connection) => {
        if (!error && connection) holder.release(connection);
        resolve(error ? undefined : connection);
      }),
    );
  }
  async commit() {
    await this.tx?.commit();
    this.tx = undefined;
  }
  async rollback() {
    const tx = this.tx;
    this.tx = undefined;
    await tx?.rollback();
  }

  async bulkLoad(table: TableRef, schema: Schema, landsIn?: TableRef): Promise<BulkLoad> {
    const name = mssqlSql.table(table);
    checkTargetColumns(name, schema, await this.query(targetColumnsQuery(name)));
    if (landsIn) {
      // Merge: the values land in the target through MERGE, which converts without a word.
      const target = mssqlSql.table(landsIn);
      checkTargetColumns(target, schema, await this.query(targetColumnsQuery(target)));
    }
    let rows = 0;
    return {
      write: async (batch) => {
        const request = new this.sql.Request((this.tx ?? this.pool) as never);
        await this.track(request, (r) => r.bulk(bulkTable(this.sql, name, schema, batch)));
        rows += batch.numRows;
      },
      finish: async () => rows,
      cancel: async () => undefined,
    };
  }

  /**
   * Cancels what runs (tedious sends an attention and closes the connection itself when the
   * server does not acknowledge it within cancel_timeout_ms) and closes the transaction's
   * connection: a closed connection fails mssql's pool validation and is never handed out again.
   */
  async abandon(): Promise<void> {
    if (this.abandoned) return;
    this.abandoned = true;
    for (const request of this.active) request.cancel();
    this.active.clear();
    try {
      this.txConnection?.close();
    } catch {
      // Already closed.
    }
    this.txConnection = undefined;
    this.tx = undefined;
  }

  release(destroy = false): void {
    // The pool owns the connections; an open transaction is rolled back by the store first.
    if (destroy || this.busy) void this.abandon();
  }
}
