import type { Logger, RunType } from "../contracts/common.js";
import type { Storage } from "../contracts/storage.js";
import type { CommitState } from "../contracts/store.js";
import type { FileNamer } from "./naming.js";

/**
 * The file store's publish protocol, one per kind of storage: `LocalPublisher` (the local disk:
 * staging folder, intent file, folder swap; ARCHITECTURE §4) and `ObjectPublisher` (object
 * storage: staged objects, a commit record created only if absent, copies under new names). The
 * file store (rolling, naming, format writers) is the same over both.
 */
export interface PublishTarget {
  storage: Storage;
  /** The entity's published folder: a storage key prefix ending in '/'. */
  folder: string;
  /** hygge's bookkeeping for the entity, outside `folder` (`<parent>/.hygge/<entity>/`). */
  book: string;
  entity?: string;
  logger: Logger;
}

export interface PublishRun {
  runId: string;
  runType: RunType;
  name: FileNamer;
  replaceExisting: boolean;
  signal: AbortSignal;
  /**
   * Name endings of the format's data files (`[".parquet"]`): an incremental run refuses to start
   * when such a file already there would sort after its new names. Absent: every file counts.
   */
  extensions?: readonly string[];
}

export interface Publisher {
  /**
   * Before a run: finishes a publish an earlier run committed but did not complete, removes what
   * uncommitted runs left in the bookkeeping (never anything else), refuses what the run may not
   * do (foreign entries for a full_drop without `replace_existing`). Returns the first sequence
   * number the run may use (names after every published one).
   */
  open(run: PublishRun): Promise<{ nextSeq: number }>;
  /** The local file the format writes the run's file `name` into. */
  localPathFor(name: string): string;
  /** The file at `localPathFor(name)` is complete: stage it (upload it, or leave it in place). */
  staged(name: string, signal: AbortSignal): Promise<void>;
  /**
   * The commit point, then the publish: after it resolves, readers see exactly the run's result
   * (see ARCHITECTURE §4 for what they see while it runs). `files` are the run's files, in order.
   */
  commit(state: CommitState, files: string[], nextSeq: number): Promise<void>;
  /**
   * For crash tests: everything `commit` does up to and including its commit point, nothing after
   * (as if the process died right there). Resolves to what was recorded (it holds `files`).
   */
  prepare?(state: CommitState, files: string[], nextSeq: number): Promise<{ files: string[] }>;
  /** Drops the run's staged files, unless the run reached its commit point. */
  abort(): Promise<void>;
  /** The committed state, after finishing any committed but unfinished publish. */
  committedState(): Promise<CommitState | undefined>;
}
