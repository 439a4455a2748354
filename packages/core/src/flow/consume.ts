import type { RecordBatch } from "apache-arrow";
import { batchBytes } from "../arrow/values.js";
import type { AttemptContext } from "./attempt-context.js";
import type { GuardedStore } from "./guarded-store.js";
import type { BoundedQueue } from "./queue.js";
import type { ResumePoint } from "./resume.js";
import { type SchemaOutcome, schemaStep } from "./schema-step.js";

/**
 * The consumer loop: batches from the queue into the store, counted, one `progress` event each.
 * Before the first write, the source's columns are compared with the destination's
 * (`schemaStep`). Never throws: a failure fails the attempt and the queue. Resolves with the
 * schema decision (undefined when no batch came).
 */
export async function consume(
  a: AttemptContext,
  store: GuardedStore,
  queue: BoundedQueue<RecordBatch>,
  estimatedRows: number | undefined,
  resume: ResumePoint,
): Promise<SchemaOutcome | undefined> {
  const counters = a.counters;
  let schema: SchemaOutcome | undefined;
  try {
    for (;;) {
      const batch = await queue.shift();
      if (batch === undefined) break;
      schema ??= await schemaStep(a, store, resume, batch.schema);
      await store.write(schema.shape(batch));
      counters.rows += batch.numRows;
      counters.bytes += batchBytes(batch);
      counters.batches += 1;
      a.progress("progress", { estimatedRows });
    }
  } catch (error) {
    if (a.firstError) return schema;
    queue.fail(a.fail(error, "STORE_WRITE_FAILED", a.options.storePlugin));
  }
  return schema;
}
