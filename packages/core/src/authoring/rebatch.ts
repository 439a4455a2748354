import { makeData, RecordBatch, Struct } from "apache-arrow";
import { exactSchemaDifference } from "../arrow/schema.js";
import { HyggeError } from "../errors.js";
import { buildData } from "./build-data.js";
import { canRebuild, cellAt } from "./read-values.js";

export interface RebatchOptions {
  /**
   * Join consecutive small batches of one schema into batches of `batchSize` rows (default true):
   * their values are copied, exactly. With false, or for column types the joiner does not know
   * (maps, unions, dictionaries), small batches pass as they are: still at most `batchSize` rows.
   */
  merge?: boolean;
}

/**
 * Batches of at most `batchSize` rows, in order, from any stream of batches: large batches are
 * sliced (no copy), small ones joined (see `merge`), empty ones dropped (but when every batch is
 * empty, the first is yielded: an empty source still declares its columns). Batches with another
 * schema are never joined: the batch before a schema change is yielded as it is.
 */
export async function* rebatch(
  source: Iterable<RecordBatch> | AsyncIterable<RecordBatch>,
  batchSize: number,
  options: RebatchOptions = {},
): AsyncGenerator<RecordBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new HyggeError("CONFIG_INVALID", `batch size ${batchSize} is not a positive integer`, {
      hint: "set batch_size to a whole number of rows, such as 10000",
    });
  const merge = options.merge ?? true;
  let pending: RecordBatch[] = [];
  let pendingRows = 0;
  let yielded = false;
  let empty: RecordBatch | undefined;
  const flush = () => {
    yielded = true;
    const out = join(pending);
    pending = [];
    pendingRows = 0;
    return out;
  };
  for await (const batch of source) {
    if (batch.numRows === 0) empty ??= batch;
    if (pending.length > 0 && exactSchemaDifference(pending[0]!.schema, batch.schema) !== undefined)
      yield* flush();
    const joinable = merge && batch.schema.fields.every((f) => canRebuild(f.type));
    for (let start = 0; start < batch.numRows; ) {
      const take = Math.min(batchSize - pendingRows, batch.numRows - start);
      const part = take === batch.numRows ? batch : batch.slice(start, start + take);
      start += take;
      if (!joinable) {
        yielded = true;
        yield part;
        continue;
      }
      pending.push(part);
      pendingRows += take;
      if (pendingRows === batchSize) yield* flush();
    }
  }
  if (pending.length > 0) yield* flush();
  // A source of empty batches only still gives one, so the destination gets its columns.
  else if (!yielded && empty) yield empty;
}

/** One batch of the parts' rows (the part itself when there is one). */
function join(parts: RecordBatch[]): RecordBatch[] {
  if (parts.length <= 1) return parts;
  const schema = parts[0]!.schema;
  const length = parts.reduce((n, b) => n + b.numRows, 0);
  const children = schema.fields.map((f, c) => {
    const cells: unknown[] = [];
    for (const part of parts) {
      const vector = part.getChildAt(c)!;
      for (let i = 0; i < part.numRows; i++) cells.push(cellAt(vector, i));
    }
    return buildData(f.type, cells);
  });
  return [
    new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children })),
  ];
}
