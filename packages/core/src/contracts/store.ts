import type { RecordBatch, Schema } from "apache-arrow";
import type { SchemaEvolution } from "../schema/change.js";
import type { RecordedColumn } from "../schema/recorded.js";
import type { CheckResult, RunType } from "./common.js";
import type { Watermark } from "./watermark.js";

export interface WriteContext {
  signal: AbortSignal;
  flow: string;
  entity?: string;
  runId: string;
  runType: RunType;
  primaryKey?: string[];
}

/** A destination's columns as `Store.publishedSchema()` reads them. */
export interface PublishedColumns {
  schema: Schema;
  /**
   * The types are Arrow's own, as the source's would be (files written by hygge): compared as
   * strictly as recorded columns. Otherwise (a database's own types, mapped back) only new,
   * dropped and wider columns count, the store's exact checks guard the values, and columns the
   * source no longer sends are never dropped (they may not be hygge's).
   */
  exact?: boolean;
}

/** What a store publishes atomically together with the data (section 4 of ARCHITECTURE.md). */
export interface CommitState {
  runId: string;
  runType: RunType;
  flow: string;
  entity?: string;
  committedAt: string;
  watermark?: Watermark;
  /**
   * The destination's columns once this commit is published (all of them: a column the source no
   * longer has stays until a sync_all_columns run or a full_drop removes it). The engine compares
   * the next run's source with it (on_schema_change). Absent in states of older hygge versions.
   */
  schema?: RecordedColumn[];
}

export interface CommitReport {
  rows: number;
  bytes?: number;
  /** Files or tables the data now lives in, for summaries. */
  locations: string[];
}

/**
 * A destination with a transactional lifecycle:
 * `open` → `write`* → `commit` (publish data and state atomically), or `abort` (leave the
 * destination exactly as before). `close` always runs last, once; nothing is called after it.
 *
 * The engine calls every method through a guard that bounds it (`timeouts:` in the project) and
 * races it against the run's abort. So a store must expect:
 * - `abort()` while a `write()` (or `committedState()`) is still in flight: the engine stopped
 *   waiting for it (the run failed elsewhere or was cancelled). abort() must cancel that I/O and
 *   destroy (never return to a pool) any connection it used: its state is unknown.
 * - `abort()` while `commit()` is still in flight, when the commit did not finish within
 *   `timeouts.cancel` of a cancel (or within `timeouts.commit`): the engine reports the commit's
 *   outcome as unknown. abort() must then cancel the commit if it has not reached its commit
 *   point, and leave it alone if it has; the next `open()` completes or rolls back what is left.
 *   An `open()` or `commit()` that settles within `timeouts.cancel` is never raced by abort().
 * - `close()` only after abort() (when the store was opened and not committed) and after the
 *   calls the engine stopped waiting for settled, or `timeouts.cancel` passed.
 */
export interface Store {
  readonly supports: { runTypes: readonly RunType[] };
  /** Repairs or removes what a crashed or interrupted run left behind, then prepares staging. */
  open(ctx: WriteContext): Promise<void>;
  /** Resolves when the store is ready for more: that is the backpressure. */
  write(batch: RecordBatch): Promise<void>;
  commit(state: CommitState): Promise<CommitReport>;
  /** Leaves the destination as before; cancels a write or an unfinished commit still in flight (see above). */
  abort(error: unknown): Promise<void>;
  /** The state published with the data, read back from the destination: the resume point. */
  committedState?(): Promise<CommitState | undefined>;
  /**
   * Called once, after open() and before the first write(), when the source's columns differ from
   * the published ones and the policy accepted the change (incremental and merge runs): the store
   * prepares what it must change in place (SQL: ALTER TABLE … ADD / ALTER … TYPE / DROP COLUMN),
   * inside the run's atomic publish, so a failed or aborted run leaves the old columns. Stores
   * whose new data simply carries its columns (files) need not implement it.
   */
  evolve?(evolution: SchemaEvolution): Promise<void>;
  /**
   * The destination's columns read from the destination itself, for a destination whose committed
   * state has no recorded schema (published by an older hygge). Undefined when there is nothing yet.
   */
  publishedSchema?(): Promise<PublishedColumns | undefined>;
  /**
   * Problems a run would meet, found without writing data (`hygge debug`): the destination cannot
   * be written, a full_drop would be refused… `ctx.runType` is the entity's run type.
   */
  check?(ctx?: { runType: RunType }): Promise<CheckResult[]>;
  close?(): Promise<void>;
}
