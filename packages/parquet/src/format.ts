import type { FileSource, FormatContext, FormatWriter } from "@hygge/core";
import { defineFormat, HyggeError, isHyggeError } from "@hygge/core";
import { type Data, type RecordBatch, type Schema, Timestamp } from "apache-arrow";
import { ARROW_SCHEMA_KEY, decodeArrowSchema, encodeArrowSchema } from "./arrow-schema.js";
import { type ResolvedReadOptions, type ResolvedWriteOptions, readOptions, writeOptions } from "./options.js";
import { RefusedError } from "./read/errors.js";
import { MissingColumnError, ParquetFile, TIMEZONES_KEY } from "./read/parquet-file.js";
import { RowGroupDecoder, type RowGroupTask } from "./read/row-groups.js";
import { compressorFor } from "./write/codecs.js";
import { allColumnar, fastPathOn, ParquetFileWriter } from "./write/file-writer.js";
import { parquetSchema, UnwritableError } from "./write/schema.js";
import { encodeWorkerAvailable, ThreadedFileWriter } from "./write/threaded-writer.js";

const PLUGIN = "@hygge/parquet";
const DEFAULT_BATCH_ROWS = 32_768;
/** Below this many rows the decode worker's start-up costs more than it saves. */
const WORKER_MIN_ROWS = 100_000;
/** A first row group smaller than this is written in the calling thread (the file is small). */
const THREAD_MIN_ROWS = 50_000;

/**
 * Parquet as a format of core's file engine: the schema and row count come from the footer, rows
 * are decoded one row group at a time (in a worker thread for large files), files are written one
 * row group per `row_group_size` rows. Staging, naming and publishing are the engine's.
 */
export const parquetFormat = defineFormat({
  extensions: [".parquet"],
  readOptions,
  writeOptions,
  extensionFor: () => ".parquet",
  // Selected columns must be in some file of the entity (a typo is refused by the home); a file
  // that lacks one (older files of an evolved folder) reads it as null.
  declaredColumns: (options: ResolvedReadOptions) => options.columns ?? [],

  async schema(source: FileSource, options: ResolvedReadOptions): Promise<Schema> {
    return withFile(source, (file) => {
      const schema = file.schema(shapes(file, source, options.columns));
      if (schema.fields.length === 0)
        throw new HyggeError("HOME_READ_FAILED", `${source.url} has no columns`, {
          plugin: PLUGIN,
          subject: source.url,
          hint: "a Parquet file without columns holds nothing to load; remove it or write it again with its columns",
        });
      return schema;
    });
  },

  async rows(source: FileSource): Promise<number> {
    return withFile(source, (file) => file.numRows);
  },

  async *read(
    source: FileSource,
    schema: Schema,
    options: ResolvedReadOptions,
    ctx: FormatContext,
  ): AsyncGenerator<RecordBatch> {
    // One open file for the whole read: the footer is read once, then each row group's column
    // chunks by ranged reads (from the local disk or object storage alike).
    const file = await openFile(source);
    const rows = file.numRows;
    const groups = file.metadata.row_groups.length;
    // Slices of a row group share its buffers: small batches keep the flow queue from holding
    // several whole row groups at once.
    const batchSize = options.batch_size ?? DEFAULT_BATCH_ROWS;
    // The worker is chosen per file (the format sees one file at a time).
    // The file's own selection: the selected columns this file has (see shapes()).
    const selected = options.columns ? schema.fields.map((f) => f.name) : undefined;
    const decoder = new RowGroupDecoder(schema, selected, rows >= WORKER_MIN_ROWS);
    // A read abandoned mid-way (the home closed, the run cancelled) releases the file and thread now.
    const release = () => void decoder.close().catch(() => undefined);
    ctx.signal.addEventListener("abort", release, { once: true });
    // Keep one row group decoding while the consumer encodes the previous one (worker thread).
    const decode = (t: RowGroupTask) => {
      const p = decoder.decode(t).catch((e: unknown) => {
        throw readFailed(source.url, e, `row group ${t.rowGroup}`);
      });
      p.catch(() => undefined); // handled when awaited
      return p;
    };
    const ahead: Promise<RecordBatch>[] = [];
    let next = 0;
    try {
      while (next < groups || ahead.length > 0) {
        while (ahead.length < 1 && next < groups)
          ahead.push(decode({ path: source.url, rowGroup: next++, file }));
        ctx.signal.throwIfAborted();
        const batch = await ahead.shift()!;
        if (batch.numRows <= batchSize) {
          yield batch;
          continue;
        }
        for (let i = 0; i < batch.numRows; i += batchSize) {
          ctx.signal.throwIfAborted();
          yield batch.slice(i, Math.min(batch.numRows, i + batchSize));
        }
      }
    } finally {
      ctx.signal.removeEventListener("abort", release);
      await decoder.close();
      await file.close().catch(() => undefined);
    }
  },

  async createWriter(
    path: string,
    schema: Schema,
    options: ResolvedWriteOptions,
    ctx?: FormatContext,
  ): Promise<FormatWriter> {
    let elements: ReturnType<typeof parquetSchema>;
    let arrowSchema: string;
    try {
      elements = parquetSchema(schema);
      arrowSchema = encodeArrowSchema(schema);
    } catch (error) {
      throw writeFailed(path, error);
    }
    const kvMetadata = [...zoneMetadata(schema), { key: ARROW_SCHEMA_KEY, value: arrowSchema }];
    const threadable =
      encodeWorkerAvailable() &&
      allColumnar(schema, elements) &&
      decodeArrowSchema(arrowSchema)?.fields.length === schema.fields.length;
    // The file is opened when the first row group is due: a file of full-size row groups is
    // encoded in a worker thread, a small one (a thread's start-up would dominate) in this one.
    const open = async (firstRows: number): Promise<FileSink> => {
      if (threadable && firstRows >= THREAD_MIN_ROWS) {
        ctx?.logger.debug(`parquet: encoding ${path} in a worker thread`);
        return new ThreadedFileWriter(path, {
          arrowSchema,
          elements,
          compression: options.compression,
          level: options.compression_level,
          dictionary: options.dictionary,
          fast: fastPathOn(),
          kvMetadata,
        });
      }
      const { codec, compressors } = await compressorFor(options.compression, options.compression_level);
      return new ParquetFileWriter(path, schema, elements, {
        codec,
        compressors,
        dictionary: options.dictionary,
        kvMetadata,
      });
    };
    return rowGroupWriter(path, open, schema, options.row_group_size);
  },
});

/** The file being written: in this thread (ParquetFileWriter) or in a worker (ThreadedFileWriter). */
interface FileSink {
  writeRowGroup(columns: Data[][], rows: number, release: boolean): void | Promise<void>;
  finish(): number | Promise<number>;
  close(): void | Promise<void>;
}

/** Buffers batches into row groups of `rowGroupSize` rows (the last one of a file may be smaller). */
function rowGroupWriter(
  path: string,
  open: (firstRows: number) => Promise<FileSink>,
  schema: Schema,
  rowGroupSize: number,
): FormatWriter {
  const pending: RecordBatch[] = [];
  let pendingRows = 0;
  let file: FileSink | undefined;
  const sink = async (rows: number) => {
    try {
      file ??= await open(rows);
    } catch (error) {
      throw writeFailed(path, error);
    }
    return file;
  };
  const flush = async (rows: number) => {
    const take: RecordBatch[] = [];
    let n = 0;
    while (n < rows) {
      const b = pending[0]!;
      if (n + b.numRows <= rows) {
        take.push(b);
        pending.shift();
        n += b.numRows;
      } else {
        take.push(b.slice(0, rows - n));
        pending[0] = b.slice(rows - n);
        n = rows;
      }
    }
    pendingRows -= n;
    const columns: Data[][] = schema.fields.map((_, c) => take.map((b) => b.data.children[c]!));
    const target = await sink(n);
    try {
      await target.writeRowGroup(columns, n, true);
    } catch (error) {
      throw writeFailed(path, error);
    }
  };
  return {
    async write(batch) {
      if (batch.numRows === 0) return;
      pending.push(batch);
      pendingRows += batch.numRows;
      while (pendingRows >= rowGroupSize) await flush(rowGroupSize);
    },
    async finish() {
      if (pendingRows > 0) await flush(pendingRows);
      const target = await sink(0);
      try {
        return { bytes: await target.finish() };
      } catch (error) {
        throw writeFailed(path, error);
      }
    },
    async abort() {
      pending.length = 0;
      await file?.close();
    },
  };
}

/**
 * Opens a source: a local file through one file handle, anything else (object storage) through the
 * source's ranged reads — the footer first, then only the column chunks a read needs.
 */
async function openFile(source: FileSource): Promise<ParquetFile> {
  try {
    return await ParquetFile.open(source.localPath ?? source);
  } catch (error) {
    throw readFailed(source.url, error, "footer");
  }
}

async function withFile<T>(source: FileSource, use: (file: ParquetFile) => T): Promise<T> {
  const file = await openFile(source);
  try {
    return use(file);
  } finally {
    await file.close();
  }
}

/**
 * The shapes of the selected columns this file has: a selected column the file lacks is left out
 * (the home reads it as null, as older files of an evolved folder lack newer columns; a name in no
 * file at all is refused by the home). A file with none of the selected columns is an error.
 */
function shapes(file: ParquetFile, source: FileSource, columns: readonly string[] | undefined) {
  try {
    return file.shapes(columns);
  } catch (error) {
    if (error instanceof MissingColumnError && columns) {
      const present = columns.filter((c) => error.available.includes(c));
      if (present.length > 0) return shapes(file, source, present);
      throw new HyggeError(
        "CONFIG_INVALID",
        `${source.url}: none of the selected columns are in the file (${error.message})`,
        {
          plugin: PLUGIN,
          subject: source.url,
          hint: "fix `columns` in the home block",
        },
      );
    }
    throw readFailed(source.url, error, "schema");
  }
}

function readFailed(url: string, error: unknown, where: string): HyggeError {
  if (isHyggeError(error)) return error;
  if (error instanceof RefusedError)
    return new HyggeError("HOME_READ_FAILED", `hygge cannot carry ${url} (${where}): ${error.message}`, {
      plugin: PLUGIN,
      subject: url,
      cause: error,
      hint: error.hint,
    });
  const cause = error instanceof Error ? error.message : String(error);
  return new HyggeError("HOME_READ_FAILED", `cannot read ${url} (${where}): ${cause}`, {
    plugin: PLUGIN,
    subject: url,
    cause: error,
    hint: "the file is corrupt, truncated or not Parquet; replace or remove it",
  });
}

/**
 * Parquet stores UTC instants; the zone names of timestamp columns travel in the Arrow schema
 * (`ARROW:schema`, at every depth) and, for top-level columns, also in `hygge.timezones`, which
 * hygge versions before `ARROW:schema` read.
 */
function zoneMetadata(schema: Schema): { key: string; value: string }[] {
  const zones: Record<string, string> = {};
  for (const f of schema.fields) {
    const zone = f.type instanceof Timestamp ? f.type.timezone : undefined;
    if (zone && zone !== "UTC") zones[f.name] = zone;
  }
  return Object.keys(zones).length > 0 ? [{ key: TIMEZONES_KEY, value: JSON.stringify(zones) }] : [];
}

function writeFailed(subject: string, error: unknown): HyggeError {
  if (isHyggeError(error)) return error;
  const refused = error instanceof UnwritableError;
  return new HyggeError(
    "STORE_WRITE_FAILED",
    `cannot write ${subject}: ${(error as Error)?.message ?? error}`,
    {
      plugin: PLUGIN,
      subject,
      cause: error,
      hint: refused
        ? "cast the column to a type Parquet holds exactly (see the @hygge/parquet README)"
        : "check disk space and permissions of the destination",
    },
  );
}
