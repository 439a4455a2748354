import { once } from "node:events";
import { HyggeError } from "@hygge/core";
import type { RecordBatch, Schema } from "apache-arrow";
import type { PoolClient } from "pg";
import type Cursor from "pg-cursor";
import type { BulkLoad, SqlSession, Statement, StreamOptions } from "../dialect.js";
import { abortError } from "../errors.js";
import type { TableRef } from "../table-ref.js";
import type { DestroyableClient } from "./postgres-client.js";
import {
  binaryCompatible,
  COPY_BINARY_HEADER,
  COPY_BINARY_TRAILER,
  encodeCopyBinary,
} from "./postgres-copy-binary.js";
import { encodeCopyText } from "./postgres-copy-encode.js";
import {
  copyRead,
  describeRead,
  describeSchema,
  type ReadPlan,
  SendRowDecoder,
} from "./postgres-copy-read.js";
import { postgresSql } from "./postgres-sql.js";

type CursorCtor = typeof Cursor;
type CopyFrom = typeof import("pg-copy-streams").from;
type CopyTo = typeof import("pg-copy-streams").to;

const raw = (value: string) => value;
/** Bytes of encoded COPY data allowed to wait for the socket (bounded memory, overlapped I/O). */
const MAX_BUFFERED = 8 * 1024 * 1024;
const rawTypes = { getTypeParser: () => raw };

/** A pooled pg client: text-protocol cursor reads into Arrow, COPY FROM STDIN loads. */
export class PostgresSession implements SqlSession {
  /** Statements, COPYs and reads under way: a connection released while busy is destroyed. */
  private active = 0;
  private released = false;
  private dead: unknown;
  private onDead: ((error: unknown) => void) | undefined;
  private readonly watch = (error?: unknown) => {
    this.dead ??= error ?? new Error("Connection terminated unexpectedly");
    this.onDead?.(this.dead);
  };

  constructor(
    private readonly client: PoolClient,
    private readonly drivers: { Cursor: CursorCtor; copyFrom: CopyFrom; copyTo: CopyTo },
    /** Ends a server backend from another connection (bounded); never throws. */
    private readonly terminate: (pid: number) => Promise<void> = async () => undefined,
  ) {
    // A checked-out client without an 'error' listener would crash the process when its server goes away.
    client.on("error", this.watch);
    client.on("end", this.watch);
  }

  /** A cancelled COPY leaves the protocol state to the server: the connection is not reused. */
  private tainted = false;

  get busy(): boolean {
    return this.active > 0 || this.tainted;
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
    }
  }

  query(statement: Statement): Promise<Record<string, unknown>[]> {
    return this.track(
      async () =>
        (await this.client.query({ text: statement.text, values: statement.params as unknown[] })).rows,
    );
  }

  describe(statement: Statement, options?: { placeholders?: boolean }): Promise<Schema> {
    return this.track(() => describeSchema(this.client, statement, options?.placeholders ?? false));
  }

  async *stream(statement: Statement, options: StreamOptions): AsyncIterable<RecordBatch> {
    this.active++;
    try {
      yield* this.streamRows(statement, options);
    } finally {
      this.active--;
    }
  }

  private async *streamRows(statement: Statement, options: StreamOptions): AsyncIterable<RecordBatch> {
    // Every column through the type table; a type it cannot read exactly is refused before any row.
    const plan = await describeRead(this.client, statement);
    // Without parameters, binary COPY is the fast path; a bound watermark needs the cursor.
    if (statement.params.length === 0) {
      try {
        yield* copyRead(this.client, this.drivers.copyTo, plan, options, (stream) => {
          this.onDead = (error) => stream.destroy(error instanceof Error ? error : new Error(String(error)));
        });
      } finally {
        this.onDead = undefined;
      }
      return;
    }
    yield* this.cursorStream(statement, plan, options);
  }

  private async *cursorStream(
    statement: Statement,
    plan: ReadPlan,
    options: StreamOptions,
  ): AsyncIterable<RecordBatch> {
    const cursor = this.client.query(
      new this.drivers.Cursor(
        plan.wrapped("base64"),
        statement.params as unknown[],
        { rowMode: "array", types: rawTypes } as never,
      ),
    );
    let failed = false;
    const read = (n: number) =>
      new Promise<(string | null)[][]>((resolve, reject) => {
        // A connection that dies between reads never answers: fail the read instead of waiting.
        if (this.dead) return reject(this.dead);
        this.onDead = reject;
        cursor.read(n, (err, rows) => {
          this.onDead = undefined;
          if (err) reject(err);
          else resolve(rows as never);
        });
      });
    try {
      const decoder = new SendRowDecoder(plan, options.batchSize);
      for (let first = true; ; first = false) {
        if (options.signal.aborted) throw abortError(options.signal);
        const rows = await read(options.batchSize);
        if (rows.length === 0 && !first) break;
        yield decoder.batch(rows);
        if (rows.length < options.batchSize) break;
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // After an error the connection is released as broken (the server ends the portal with it).
      if (!failed && !this.dead) await cursor.close();
    }
  }

  begin = () => this.track(async () => void (await this.client.query("BEGIN")));
  commit = () => this.track(async () => void (await this.client.query("COMMIT")));
  rollback = () => this.track(async () => void (await this.client.query("ROLLBACK")));

  async bulkLoad(table: TableRef, schema: Schema, landsIn?: TableRef): Promise<BulkLoad> {
    const into = await this.track(() => this.targetColumns(table, schema));
    const binary = into.binary;
    // The modifiers of the table the values land in (the merge target, not its staging copy).
    const guard = landsIn
      ? (await this.track(() => this.targetColumns(landsIn, schema))).typmods
      : into.typmods;
    const columns = schema.fields.map((f) => postgresSql.quote(f.name)).join(", ");
    const format = binary ? " (FORMAT binary)" : "";
    const stream = this.client.query(
      this.drivers.copyFrom(`COPY ${postgresSql.table(table)} (${columns}) FROM STDIN${format}`),
    );
    let failure: unknown;
    // The COPY is under way until it finishes or fails: the connection is busy all that time.
    this.active++;
    let settled = false;
    const settle = () => {
      if (!settled) this.active--;
      settled = true;
    };
    const done = new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", (e) => {
        failure = e;
        reject(e);
      });
    });
    done.then(settle, settle);
    let rows = 0;
    if (binary) stream.write(COPY_BINARY_HEADER);
    return {
      async write(batch) {
        if (failure) throw failure;
        rows += batch.numRows;
        const data = binary ? encodeCopyBinary(batch, guard) : encodeCopyText(batch, guard);
        stream.write(data);
        // Let the socket send one batch while the next is encoded; wait only beyond that.
        if (stream.writableLength > MAX_BUFFERED) await Promise.race([once(stream, "drain"), done]);
        if (failure) throw failure;
      },
      async finish() {
        if (binary) stream.write(COPY_BINARY_TRAILER);
        stream.end();
        await done;
        return rows;
      },
      cancel: async () => {
        if (failure || stream.writableFinished) return;
        this.tainted = true;
        stream.destroy(new HyggeError("ABORTED", "load cancelled"));
        await done.catch(() => undefined);
      },
    };
  }

  /**
   * Binary COPY needs every column's type to match the type table's exactly; true for tables hygge
   * created from the schema, checked against the catalog for tables that already existed. The
   * columns' declared modifiers let the encoders refuse values the table would round.
   */
  private async targetColumns(
    table: TableRef,
    schema: Schema,
  ): Promise<{ binary: boolean; typmods: Map<string, number> }> {
    const { rows } = await this.client.query({
      text: "SELECT attname, atttypid::regtype::text AS type, atttypmod AS typmod FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
      values: [postgresSql.table(table)],
    });
    const typmods = new Map(rows.map((r) => [String(r.attname), Number(r.typmod)]));
    const binary = binaryCompatible(schema, new Map(rows.map((r) => [String(r.attname), String(r.type)])));
    return { binary, typmods };
  }

  /**
   * Never returns the connection to the pool: destroys its socket at once and, when a statement
   * was under way, ends its server backend from another connection (a backend waiting on a lock
   * would not notice the closed socket and would keep its locks). Resolves when that is done or
   * the cancel timeout passed; never throws.
   */
  async abandon(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const pid = (this.client as unknown as { processID?: number | null }).processID;
    const busy = this.busy && !this.dead;
    (this.client as unknown as Partial<DestroyableClient>).destroy?.();
    // Our 'error'/'end' listeners stay: the destroyed client may still report its end.
    this.client.release(new Error("hygge: connection abandoned"));
    if (busy && pid) await this.terminate(pid);
  }

  release(destroy = false): void {
    if (this.released) return;
    if (destroy || this.dead || this.busy) {
      void this.abandon();
      return;
    }
    this.released = true;
    this.client.off("error", this.watch);
    this.client.off("end", this.watch);
    this.client.release();
  }
}
