import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
} from "@duckdb/node-api";
import { HyggeError } from "@hygge/core";
import type { Data, RecordBatch } from "apache-arrow";
import { bindings, type ColumnMapping } from "../types/to-duckdb.js";
import type { TableRef } from "./table.js";

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;
/** Chunks appended between two yields to the event loop (so an abort can run). */
const CHUNKS_PER_YIELD = 16;

/**
 * Appends batches into one table through the appender, a data chunk at a time, copying Arrow's
 * buffers into the chunk's vectors (to-duckdb.ts converts or refuses each column exactly).
 */
export class ChunkLoad {
  rows = 0;
  private chunk?: DuckDBDataChunk;
  private closed = false;

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly columns: readonly ColumnMapping[],
  ) {}

  static async start(
    conn: DuckDBConnection,
    table: TableRef,
    columns: readonly ColumnMapping[],
  ): Promise<ChunkLoad> {
    const appender = await conn.createAppender(table.name, table.schema);
    return new ChunkLoad(appender, columns);
  }

  private types(): DuckDBType[] {
    return this.columns.map((_, i) => this.appender.columnType(i));
  }

  async write(batch: RecordBatch, aborted: () => boolean): Promise<void> {
    if (batch.numCols !== this.columns.length) {
      throw new HyggeError(
        "SCHEMA_MISMATCH",
        `a batch has ${batch.numCols} columns, the load ${this.columns.length}`,
      );
    }
    const data = batch.data.children as Data[];
    this.chunk ??= DuckDBDataChunk.create(this.types());
    const chunk = this.chunk;
    let chunks = 0;
    for (let start = 0; start < batch.numRows; start += CHUNK_ROWS) {
      if (aborted()) throw new HyggeError("ABORTED", "the load was aborted");
      const count = Math.min(CHUNK_ROWS, batch.numRows - start);
      chunk.reset();
      for (let c = 0; c < this.columns.length; c++) {
        const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
        this.columns[c]!.write(vector, data[c]!, start, count);
      }
      chunk.rowCount = count;
      this.appender.appendDataChunk(chunk);
      this.rows += count;
      if (++chunks % CHUNKS_PER_YIELD === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Flushes what the appender holds into the table (inside the connection's transaction). */
  finish(): number {
    if (!this.closed) {
      this.closed = true;
      this.appender.flushSync();
      this.appender.closeSync();
    }
    return this.rows;
  }

  /** Drops what was not flushed; the caller rolls the transaction back. */
  cancel(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.appender.clear();
      this.appender.closeSync();
    } catch {
      // The transaction is rolled back anyway.
    }
  }
}
