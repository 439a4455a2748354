import type { RecordBatch } from "apache-arrow";
import { batchBytes } from "../arrow/values.js";
import type { AttemptContext } from "./attempt-context.js";
import type { GuardedStore } from "./guarded-store.js";
import type { BoundedQueue } from "./queue.js";

/**
 * The consumer loop: batches from the queue into the store, counted, one `progress` event each.
 * Never throws: a failure fails the attempt and the queue.
 */
export async function consume(
  a: AttemptContext,
  store: GuardedStore,
  queue: BoundedQueue<RecordBatch>,
  estimatedRows: number | undefined,
): Promise<void> {
  const counters = a.counters;
  try {
    for (;;) {
      const batch = await queue.shift();
      if (batch === undefined) break;
      await store.write(batch);
      counters.rows += batch.numRows;
      counters.bytes += batchBytes(batch);
      counters.batches += 1;
      a.progress("progress", { estimatedRows });
    }
  } catch (error) {
    if (a.firstError) return;
    queue.fail(a.fail(error, "STORE_WRITE_FAILED", a.options.storePlugin));
  }
}
