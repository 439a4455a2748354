import type { Schema } from "apache-arrow";
import type { z } from "zod";
import type { Logger } from "./common.js";
import type { Watermark } from "./watermark.js";

/** One file of a copy, on the local disk. */
export interface CopyFile {
  localPath: string;
  /** How the file is named in messages. */
  url: string;
}

/**
 * A file-to-file copy a native engine may run in place of the batch loop: the home's files (all
 * with one schema, the one hygge's own reader gives) into one new file of the store's format.
 */
export interface FileCopy {
  flow: string;
  entity?: string;
  source: {
    /** The home's format (`parquet`, `csv`, `ndjson`). */
    format: string;
    /** The format's own read options, as validated (`delimiter`, `columns`…). */
    options: Record<string, unknown>;
    /** In the order hygge reads them (byte-wise key order): rows keep that order. */
    files: readonly CopyFile[];
    /** What hygge's reader makes of every file: the copy must hold exactly these columns and values. */
    schema: Schema;
  };
  target: {
    format: string;
    /** The format's own write options, as validated (`compression`…). */
    options: Record<string, unknown>;
  };
  /**
   * An incremental run resuming from a committed watermark: copy only the rows the boundary rule
   * keeps (ARCHITECTURE §3): `column > since.value`, or `= since.value` with a primary key not in
   * `since.boundaryKeys` (JSON tuples; none at all when the watermark holds no keys). Core reads
   * the written rows back through the rule and refuses the file if any row should not be there.
   */
  resume?: { since: Watermark; primaryKey: readonly string[] };
}

export interface EngineContext {
  logger: Logger;
  /** The project folder. */
  projectDir: string;
}

/**
 * A native engine (`engine: duckdb`): copies files to files faster than the batch loop, only
 * where it is exact. hygge's file store still stages, names and publishes what it writes, so the
 * commit protocol is the same; a copy the engine refuses runs on the batch loop (the report says
 * why, once).
 */
export interface EngineDefinition<S extends z.ZodType = z.ZodType> {
  /** Schema of the `engine:` block without `type` (`engine: duckdb` is `{ type: duckdb }`). */
  options: S;
  /**
   * Why this copy cannot run on the engine exactly (a format, an option or a column type outside
   * the set proven exact), or undefined when it can. Reads as little as it needs (file footers).
   */
  refuse(copy: FileCopy, options: z.output<S>, ctx: EngineContext): Promise<string | undefined>;
  /**
   * Writes the copy as one new file at `localPath` (inside the store's staging) and resolves with
   * its rows. Writes nothing else. On `signal`, stops promptly and rejects.
   */
  copy(
    copy: FileCopy,
    localPath: string,
    options: z.output<S>,
    ctx: EngineContext & {
      signal: AbortSignal;
      /** Source rows read so far, when the engine can tell (for progress bars); any rate is fine. */
      progress?(rows: number): void;
    },
  ): Promise<{ rows: number }>;
  /** One line for summaries and `--dry-run`. */
  describe?(options: z.output<S>): string;
}
