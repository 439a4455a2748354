import type { RecordBatch } from "apache-arrow";
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

/** What a store publishes atomically together with the data (section 4 of ARCHITECTURE.md). */
export interface CommitState {
  runId: string;
  runType: RunType;
  flow: string;
  entity?: string;
  committedAt: string;
  watermark?: Watermark;
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
 * destination exactly as before). `close` always runs last.
 */
export interface Store {
  readonly supports: { runTypes: readonly RunType[] };
  open(ctx: WriteContext): Promise<void>;
  /** Resolves when the store is ready for more: that is the backpressure. */
  write(batch: RecordBatch): Promise<void>;
  commit(state: CommitState): Promise<CommitReport>;
  abort(error: unknown): Promise<void>;
  /** The state published with the data, read back from the destination: the resume point. */
  committedState?(): Promise<CommitState | undefined>;
  check?(): Promise<CheckResult[]>;
  close?(): Promise<void>;
}
