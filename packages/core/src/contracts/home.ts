import type { RecordBatch, Schema } from "apache-arrow";
import type { CheckResult, RunType } from "./common.js";
import type { Watermark, WatermarkSpec } from "./watermark.js";

export interface ReadContext {
  signal: AbortSignal;
  flow: string;
  entity?: string;
  runType: RunType;
  /** Set for incremental runs with a watermark: `since` is the last committed watermark, if any. */
  watermark?: WatermarkSpec & { since?: Watermark };
}

/**
 * A source. The only required method is `read`, an async iterable of Arrow record batches.
 * A home must yield at least one batch (zero rows is fine) so that an empty source still produces
 * an empty destination with the right columns: in a full_drop run, a home that yields none is
 * refused (PLUGIN_INVALID).
 *
 * The engine calls it through a guard (bounds from `timeouts:`, raced against the run's abort).
 * When the run fails or is cancelled, `ctx.signal` aborts: a pending read should end promptly. A
 * `next()` the engine stopped waiting for gets `timeouts.cancel` to settle; then the iterator's
 * `return()` is called (unless it ran to its end) and `close()`, once, even if that `next()` is
 * still pending: close() must then release (destroy) whatever that read holds.
 */
export interface Home {
  read(ctx: ReadContext): AsyncIterable<RecordBatch>;
  /** Rows `read` will produce, when cheap to know (progress bars). */
  estimateRows?(ctx: ReadContext): Promise<number | undefined>;
  /** The schema `read` will produce, without reading data. */
  schema?(ctx: ReadContext): Promise<Schema>;
  /** Problems found without moving data (`hygge debug`). */
  check?(): Promise<CheckResult[]>;
  close?(): Promise<void>;
}
