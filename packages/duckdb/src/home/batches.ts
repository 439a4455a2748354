import type { DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { type Field, makeData, RecordBatch, Schema, Struct } from "apache-arrow";
import { type ColumnBuilder, columnBuilder } from "./builders.js";
import { rawColumn } from "./raw.js";

/** A batch is cut early once its text and blobs pass this many bytes (memory stays bounded). */
const HEAP_LIMIT = 256 * 1024 * 1024;

/**
 * Re-batches DuckDB's data chunks (up to 2048 rows each) into Arrow record batches of `batchSize`
 * rows (fewer for the last, or when the text held passes 256 MiB). Chunks are split across batches
 * as needed; every value is copied once, from DuckDB's vector memory into the batch's buffers.
 */
export class Rebatcher {
  private readonly schema: Schema;
  private readonly builders: ColumnBuilder[];
  private rows = 0;
  private emitted = 0;

  constructor(
    fields: Field[],
    types: DuckDBType[],
    private readonly batchSize: number,
  ) {
    this.schema = new Schema(fields);
    this.builders = fields.map((f, i) => columnBuilder(f, types[i]!, batchSize));
  }

  /** Adds a chunk; yields the batches it completes. */
  *push(chunk: DuckDBDataChunk): Generator<RecordBatch> {
    const count = chunk.rowCount;
    if (count === 0) return;
    const raws = this.builders.map((_, c) => rawColumn(chunk, c));
    let start = 0;
    while (start < count) {
      const take = Math.min(count - start, this.batchSize - this.rows);
      for (let c = 0; c < this.builders.length; c++)
        this.builders[c]!.append(raws[c]!, start, take, this.rows);
      this.rows += take;
      start += take;
      if (this.rows === this.batchSize || this.heapBytes() >= HEAP_LIMIT) yield this.emit();
    }
  }

  /** The last, partial batch; an empty batch when the result had no rows (its schema still counts). */
  finish(): RecordBatch | undefined {
    return this.rows > 0 || this.emitted === 0 ? this.emit() : undefined;
  }

  private heapBytes(): number {
    let n = 0;
    for (const b of this.builders) n += b.heapBytes();
    return n;
  }

  private emit(): RecordBatch {
    const length = this.rows;
    const children = this.builders.map((b) => b.finish(length));
    this.rows = 0;
    this.emitted++;
    const data = makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children });
    return new RecordBatch(this.schema, data);
  }
}
