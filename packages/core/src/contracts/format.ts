import type { Readable } from "node:stream";
import type { RecordBatch, Schema } from "apache-arrow";
import type { z } from "zod";
import type { Logger } from "./common.js";

/** One file to read, wherever it lives. */
export interface FileSource {
  /** The storage key of the file. */
  path: string;
  /** How the file is named in messages (`s3://bucket/key`, `/abs/path`): name it in every error. */
  url: string;
  size: number;
  /** `length` bytes from `offset` (a ranged read on object storage: the rest is not downloaded). */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** The whole file as a stream of raw bytes (still compressed when the file is `.gz`). */
  stream(signal?: AbortSignal): Promise<Readable>;
  /** The local file, when the file is on the local disk (a format may open it directly). */
  localPath?: string;
}

export interface FormatContext {
  signal: AbortSignal;
  flow: string;
  entity?: string;
  logger: Logger;
}

/**
 * Writes one file on the local disk (the engine uploads it, or publishes it in place). The file
 * engine decides when a file ends (rows per file) and what it is called.
 */
export interface FormatWriter {
  /** Resolves when the writer is ready for more (backpressure). */
  write(batch: RecordBatch): Promise<void>;
  /** Completes the file (footer, trailing newline…), flushed and fsynced: its size in bytes. */
  finish(): Promise<{ bytes: number }>;
  /** Stops writing; the engine deletes the file. */
  abort(): Promise<void>;
}

/**
 * What the bytes mean: a format turns files into Arrow record batches and record batches into
 * files. It knows nothing about storages, staging or commits: the file engine (core) does that, so
 * a format registered by any plugin gets homes and stores on every storage (`type: <format name>`).
 */
export interface FormatDefinition<R extends z.ZodObject = z.ZodObject, W extends z.ZodObject = z.ZodObject> {
  /**
   * Name endings of the files this format reads (`[".csv", ".csv.gz", ".tsv"]`): a home given a
   * folder reads the files ending so.
   */
  extensions: readonly string[];
  /** The format's own `home:` options (`delimiter`, `columns`…), merged with the file home's (`path`, `connection`…). */
  readOptions: R;
  /** The format's own `store:` options (`compression`…), merged with the file store's. */
  writeOptions: W;
  /** The name ending of the files it writes with these options (`.parquet`, `.csv.gz`). */
  extensionFor(options: z.output<W>): string;
  /**
   * The schema `read` will produce for this file, reading as little as it can (a footer, a sample
   * of lines). The home unifies the files of an entity by column name (a column a file lacks
   * reads as null, a narrower type as the wider one) and refuses incompatible types.
   */
  schema(source: FileSource, options: z.output<R>, ctx: FormatContext): Promise<Schema>;
  /**
   * Column names the options declare (`columns:` with types): each must be in at least one file
   * of the entity (a typo would otherwise go unnoticed); a file that lacks one reads it as null,
   * as a folder whose schema evolved has older files without the newer columns.
   */
  declaredColumns?(options: z.output<R>): readonly string[];
  /** Rows in the file, when cheap to know (a Parquet footer). */
  rows?(source: FileSource, options: z.output<R>, ctx: FormatContext): Promise<number | undefined>;
  /**
   * The file's rows as batches of `schema` (the schema the home settled on for the entity). Errors
   * name the file (`source.url`), and the line or row and the column when a value is refused.
   */
  read(
    source: FileSource,
    schema: Schema,
    options: z.output<R>,
    ctx: FormatContext,
  ): AsyncIterable<RecordBatch>;
  /** A writer of one new local file at `localPath` holding batches of `schema`. */
  createWriter(
    localPath: string,
    schema: Schema,
    options: z.output<W>,
    ctx: FormatContext,
  ): FormatWriter | Promise<FormatWriter>;
  /** Releases what reads or writes of this format hold in common (worker threads…); once per run. */
  dispose?(): Promise<void>;
}
