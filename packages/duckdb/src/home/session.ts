import { stat } from "node:fs/promises";
import {
  type DuckDBConnection,
  type DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBType,
  StatementType,
} from "@duckdb/node-api";
import { type CreateContext, HyggeError } from "@hygge/core";
import type { Field } from "apache-arrow";
import { databasePath, openInstance, quoteString } from "../database.js";
import { arrowFieldFromDuckDB } from "../types/from-duckdb.js";
import { type HomeErrorContext, PLUGIN, where } from "./errors.js";
import type { DuckDBHomeOptions } from "./options.js";

/** How long close() waits for a DuckDB call it interrupted before closing its connection anyway. */
const SETTLE_MS = 10_000;

/**
 * One read's connection: opened on the run's instance for `path` (or a private in-memory one),
 * relative file paths resolving against the project folder (`file_search_path`). Tracks the call
 * in flight so that close() can interrupt it and wait for it before releasing the connection.
 */
export class Session {
  interrupted = false;
  private busy?: Promise<unknown>;
  private released = false;
  private readonly prepared = new Set<DuckDBPreparedStatement>();

  private constructor(
    readonly connection: DuckDBConnection,
    private readonly instance?: DuckDBInstance,
  ) {}

  static async open(
    options: DuckDBHomeOptions,
    create: CreateContext,
    ctx: HomeErrorContext,
  ): Promise<Session> {
    if (options.path !== undefined) {
      const file = databasePath(options.path, create.projectDir);
      const found = await stat(file).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!found)
        throw new HyggeError(
          "HOME_READ_FAILED",
          `duckdb home (${where(ctx)}): database file ${file} not found`,
          {
            plugin: PLUGIN,
            flow: ctx.flow,
            entity: ctx.entity,
            subject: file,
            hint: "path is relative to the project folder and must name an existing .duckdb file; leave it out to query files with an in-memory database.",
          },
        );
    }
    const settings = { threads: options.threads, memory_limit: options.memory_limit };
    const instance = await openInstance(create, options.path ?? ":memory:", settings);
    // An in-memory instance is this session's own (openInstance gives one per caller).
    const own = options.path === undefined ? instance : undefined;
    let connection: DuckDBConnection | undefined;
    try {
      connection = await instance.connect();
      await connection.run(`SET SESSION file_search_path = ${quoteString(create.projectDir)}`);
      return new Session(connection, own);
    } catch (error) {
      connection?.closeSync();
      own?.closeSync();
      throw error;
    }
  }

  /** Runs a DuckDB call, remembered as in flight until it settles; refused once released. */
  async track<T>(call: () => Promise<T>): Promise<T> {
    if (this.released) throw new Error("the home was closed during the read");
    const promise = call();
    this.busy = promise;
    try {
      return await promise;
    } finally {
      if (this.busy === promise) this.busy = undefined;
    }
  }

  /** Prepares `sql` (closed with the session); refuses what is not a query. */
  async prepare(sql: string): Promise<DuckDBPreparedStatement> {
    const prepared = await this.track(() => this.connection.prepare(sql));
    this.prepared.add(prepared);
    if (prepared.statementType !== StatementType.SELECT)
      throw new HyggeError(
        "CONFIG_INVALID",
        `the duckdb home's query must be one SELECT (or FROM …); DuckDB reads it as a ${StatementType[prepared.statementType] ?? "other"} statement`,
        {
          plugin: PLUGIN,
          hint: "Put one SELECT (or FROM …) in query:; call table functions as select * from fn(…); change data with a store, not a home.",
        },
      );
    return prepared;
  }

  /** Stops the query in flight (a stream then ends early: the caller checks `interrupted`). */
  interrupt(): void {
    this.interrupted = true;
    if (!this.released) this.connection.interrupt();
  }

  /** Interrupts what is in flight, waits for it (bounded), then closes the connection (once). */
  async release(): Promise<void> {
    if (this.released) return;
    if (this.busy) {
      this.interrupt();
      const busy = this.busy.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([busy, new Promise((r) => (timer = setTimeout(r, SETTLE_MS)))]);
      clearTimeout(timer);
    }
    if (this.released) return;
    this.released = true;
    for (const p of this.prepared) p.destroySync();
    this.prepared.clear();
    this.connection.closeSync();
    this.instance?.closeSync();
  }
}

/** The Arrow fields of a prepared query's columns, each exact or refused naming the column. */
export function describeColumns(prepared: DuckDBPreparedStatement): { fields: Field[]; types: DuckDBType[] } {
  const fields: Field[] = [];
  const types: DuckDBType[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < prepared.columnCount; i++) {
    const name = prepared.columnName(i);
    const type = prepared.columnType(i);
    if (seen.has(name)) throw duplicateColumn(name);
    seen.add(name);
    fields.push(arrowFieldFromDuckDB(name, type));
    types.push(type);
  }
  return { fields, types };
}

/** Two result columns of one name: Arrow batches and every store need distinct names. */
export function duplicateColumn(name: string): HyggeError {
  return new HyggeError("SCHEMA_MISMATCH", `the query returns two columns named "${name}"`, {
    subject: name,
    hint: `Give each column its own name in the query (… AS "${name}_2").`,
  });
}
