import type { CommitState, Watermark } from "@hygge/core";
import type { Field, RecordBatch, Schema } from "apache-arrow";
import type { TableRef } from "./table-ref.js";

/** SQL text and its bound parameters. Values never go into `text`. */
export interface Statement {
  text: string;
  params: unknown[];
}

/** Streams the rows of a statement as Arrow batches of at most `batchSize` rows. */
export interface StreamOptions {
  batchSize: number;
  signal: AbortSignal;
}

/** A bulk load into one table, inside the session's open transaction. */
export interface BulkLoad {
  write(batch: RecordBatch): Promise<void>;
  /** Ends the load; resolves with the rows loaded. */
  finish(): Promise<number>;
  /** Abandons the load (the transaction is rolled back by the caller). */
  cancel(): Promise<void>;
}

/** One pooled connection, held for one read or one store run. */
export interface SqlSession {
  query(statement: Statement): Promise<Record<string, unknown>[]>;
  stream(statement: Statement, options: StreamOptions): AsyncIterable<RecordBatch>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * Loads batches into `table`. `landsIn` is the table the values finally land in when `table` is
   * a staging table (merge): its columns decide which values would be rounded or re-encoded, so
   * they are refused before any row.
   */
  bulkLoad(table: TableRef, schema: Schema, landsIn?: TableRef): Promise<BulkLoad>;
  /** A statement, COPY or read is under way (or was cancelled half-way): releasing it destroys it. */
  readonly busy: boolean;
  /**
   * Gives the connection up for good: cancels what runs on the server and destroys it, never
   * returning it to the pool. Bounded (cancel timeout); never throws.
   */
  abandon(): Promise<void>;
  /** Returns the connection to the pool, or destroys it when busy or its state is unknown. */
  release(destroy?: boolean): void;
  /**
   * The Arrow schema `stream(statement)` would produce, without reading a row. A column of a type
   * hygge cannot read is refused like a read refuses it, or with `placeholders` kept by name as an
   * Arrow Null column (a store describing its table must not lose a column it cannot map).
   */
  describe(statement: Statement, options?: { placeholders?: boolean }): Promise<Schema>;
}

/** A column of an existing table as DDL needs it: its declared type and, for text, its collation. */
export interface DeclaredColumn {
  name: string;
  /** The declared type as the database prints it (`numeric(10,2)`, `nvarchar(50)`). */
  type: string;
  nullable: boolean;
  collation?: string | null;
}

/** The SQL text a dialect generates: pure functions, unit-tested without a server. */
export interface SqlGenerator {
  quote(identifier: string): string;
  table(ref: TableRef): string;
  /** Column type of an Arrow field (throws SCHEMA_MISMATCH for types without a mapping). */
  columnType(field: Field): string;
  createTable(ref: TableRef, schema: Schema, primaryKey?: readonly string[]): string;
  /** Creates `staging` with the columns of `target` (empty data, any run). */
  createTableLike(staging: TableRef, target: TableRef): string;
  dropTable(ref: TableRef): string;
  tableExists(ref: TableRef): Statement;
  /** Staging tables of a target left by crashed runs. */
  listStaging(schema: string | undefined, prefix: string): Statement;
  /** Statements that replace `target` by `staging` (run inside one transaction). */
  swap(staging: TableRef, target: TableRef, targetExists: boolean): (string | Statement)[];
  /** Statements that upsert `staging` into `target` on `key` (inside one transaction). */
  merge(staging: TableRef, target: TableRef, columns: readonly string[], key: readonly string[]): string[];
  /** A new nullable column (schema evolution; older rows hold NULL). */
  addColumn(ref: TableRef, name: string, type: string): string;
  /** Changes a column's type to a wider `type`, keeping its nullability (and collation). */
  alterColumnType(ref: TableRef, column: DeclaredColumn, type: string): string;
  dropColumn(ref: TableRef, name: string): string;
  /** Lets a NOT NULL column hold NULL (a column the source no longer sends), keeping its type. */
  allowNulls(ref: TableRef, column: DeclaredColumn): string;
  createStateTable(ref: TableRef): string;
  /** Adds columns later versions keep (`target`, `schema`) to a state table created by an earlier one. */
  migrateStateTable(ref: TableRef): string;
  /** `target` is the published table the state describes: a state of another table is no resume point. */
  upsertState(ref: TableRef, state: CommitState, target: string): Statement;
  selectState(ref: TableRef, flow: string, entity: string | undefined): Statement;
  /** One row when the state table records `target` as published by hygge (any flow), or an old row of this entity. */
  ownsTarget(state: TableRef, target: TableRef, flow: string, entity: string | undefined): Statement;
  /**
   * Columns of an existing table: name, type (declared, with length/precision), nullable,
   * has_default, collation (null when none) (in table order).
   */
  describeTable(ref: TableRef): Statement;
  /** Size of an existing table: bytes, exact (row count when cheap, else null), estimate. */
  tableSize(ref: TableRef): Statement;
  /**
   * SELECT for a home: table or query, columns, and `column >= <bound parameter>` when `since` is
   * set. String watermarks compare by code point; `codePoint` says the column already orders so
   * (no COLLATE needed, which keeps its index usable).
   */
  select(
    source: { table?: TableRef; query?: string },
    columns?: readonly string[],
    since?: Watermark,
    options?: { codePoint?: boolean },
  ): Statement;
  /** One row, `codepoint`: true when the column's collation provably orders by code point. */
  codePointColumn?(table: TableRef, column: string): Statement;
}

/** Everything the generic home and store need from one database family. */
export interface SqlDialect {
  readonly type: "postgres" | "mssql";
  /** "PostgreSQL", "SQL Server": for messages. */
  readonly label: string;
  readonly sql: SqlGenerator;
  /** The schema unqualified names resolve to (state table lives in the target's schema). */
  readonly defaultSchema: string;
  connect(pool: unknown): Promise<SqlSession>;
}
