import type { RecordBatch, Schema } from "apache-arrow";
import { schemaDifference } from "../arrow/schema.js";
import { HyggeError } from "../errors.js";
import type { AttemptContext } from "./attempt-context.js";
import type { GuardedReader } from "./guarded-home.js";
import type { BoundedQueue } from "./queue.js";
import type { WatermarkTracker } from "./watermark.js";

/**
 * The producer loop: batches from the home's reader, checked for one schema and filtered at the
 * watermark boundary, into the queue. Never throws: a failure fails the attempt and the queue.
 * Resolves with the schema of the first batch.
 */
export async function produce(
  a: AttemptContext,
  reader: () => GuardedReader,
  queue: BoundedQueue<RecordBatch>,
  tracker: WatermarkTracker | undefined,
): Promise<Schema | undefined> {
  let schema: Schema | undefined;
  try {
    const batches = reader();
    while (!a.signal.aborted) {
      const next = await batches.next();
      if (next.done) {
        batches.finished();
        break;
      }
      const batch = next.value;
      schema ??= batch.schema;
      if (batch.schema !== schema) {
        const diff = schemaDifference(schema, batch.schema);
        if (diff) throw new HyggeError("SCHEMA_MISMATCH", `the home changed schema mid-stream: ${diff}`);
      }
      for (const part of tracker ? tracker.process(batch) : [batch]) await queue.push(part);
    }
    if (a.signal.aborted) throw a.failure();
    queue.close();
  } catch (error) {
    queue.fail(a.fail(error, "HOME_READ_FAILED", a.options.homePlugin));
  }
  return schema;
}
