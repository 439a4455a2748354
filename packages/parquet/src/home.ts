import type { CreateContext, Home, ReadContext } from "@hygge/core";
import { HyggeError, isHyggeError, schemaDifference } from "@hygge/core";
import { makeData, RecordBatch, type Schema, Struct, vectorFromArray } from "apache-arrow";
import type { ResolvedHomeOptions } from "./options.js";
import { entityLocation, listParquetFiles } from "./paths.js";
import { RefusedError } from "./read/errors.js";
import { MissingColumnError, ParquetFile } from "./read/parquet-file.js";
import { RowGroupDecoder, type RowGroupTask } from "./read/row-groups.js";
import type { Shape } from "./read/types.js";

const PLUGIN = "@hygge/parquet";
const DEFAULT_BATCH_ROWS = 32_768;
/** Below this many rows the decode worker's start-up costs more than it saves. */
const WORKER_MIN_ROWS = 100_000;

interface Planned {
  files: string[];
  tasks: RowGroupTask[];
  schema?: Schema;
  rows: number;
}

/** Streams Parquet files one row group at a time, columnar, as exact Arrow batches. */
export class ParquetHome implements Home {
  /** Decoders of reads in progress: closed by close() even when a read's iterator was dropped. */
  private readonly decoders = new Set<RowGroupDecoder>();

  constructor(
    private readonly options: ResolvedHomeOptions,
    private readonly create: CreateContext,
  ) {}

  private location(entity: string | undefined): string {
    return entityLocation(this.options.path, this.create.projectDir, entity ?? this.create.entity);
  }

  /** Lists the files and checks, from their footers only, that they share one schema. */
  private async plan(ctx: ReadContext): Promise<Planned> {
    const files = await listParquetFiles(this.location(ctx.entity));
    let schema: Schema | undefined;
    let first = "";
    let rows = 0;
    const tasks: RowGroupTask[] = [];
    for (const path of files) {
      if (ctx.signal.aborted) throw aborted(ctx);
      const file = await openFile(path);
      try {
        const s = file.schema(shapes(file, this.options.columns));
        if (s.fields.length === 0) {
          throw new HyggeError("HOME_READ_FAILED", `${path} has no columns`, {
            plugin: PLUGIN,
            subject: path,
            hint: "a Parquet file without columns holds nothing to load; remove it or write it again with its columns",
          });
        }
        rows += file.numRows;
        for (let rowGroup = 0; rowGroup < file.metadata.row_groups.length; rowGroup++)
          tasks.push({ path, rowGroup });
        if (!schema) {
          schema = s;
          first = path;
        } else {
          const diff = schemaDifference(schema, s);
          if (diff)
            throw new HyggeError("SCHEMA_MISMATCH", `${path} does not have the schema of ${first}: ${diff}`, {
              plugin: PLUGIN,
              subject: path,
              hint: "every file of an entity must have the same columns and types; move the odd file elsewhere or select common `columns`",
            });
        }
      } finally {
        await file.close();
      }
    }
    return { files, tasks, schema, rows };
  }

  async estimateRows(ctx: ReadContext): Promise<number | undefined> {
    return (await this.plan(ctx)).rows;
  }

  async schema(ctx: ReadContext): Promise<Schema> {
    const { schema } = await this.plan(ctx);
    if (!schema)
      throw new HyggeError("HOME_READ_FAILED", `no Parquet files at ${this.location(ctx.entity)}`, {
        plugin: PLUGIN,
      });
    return schema;
  }

  /** Releases file handles and worker threads of any read that was abandoned mid-way. */
  async close(): Promise<void> {
    const open = [...this.decoders];
    this.decoders.clear();
    await Promise.all(open.map((d) => d.close().catch(() => undefined)));
  }

  async *read(ctx: ReadContext): AsyncGenerator<RecordBatch> {
    const { tasks, schema, rows } = await this.plan(ctx);
    if (!schema) return;
    // Slices of a row group share its buffers: small batches keep the flow queue from holding
    // several whole row groups at once.
    const batchSize = this.options.batch_size ?? DEFAULT_BATCH_ROWS;
    let yielded = false;
    const decoder = new RowGroupDecoder(
      schema,
      this.options.columns,
      rows >= WORKER_MIN_ROWS && tasks.length > 1,
    );
    this.decoders.add(decoder);
    // Keep one row group decoding while the consumer encodes the previous one (worker thread).
    const decode = (t: RowGroupTask) => {
      const p = decoder.decode(t).catch((e: unknown) => {
        throw readFailed(t.path, e, `row group ${t.rowGroup}`);
      });
      p.catch(() => undefined); // handled when awaited
      return p;
    };
    const ahead: Promise<RecordBatch>[] = [];
    let next = 0;
    try {
      while (next < tasks.length || ahead.length > 0) {
        while (ahead.length < 1 && next < tasks.length) ahead.push(decode(tasks[next++]!));
        if (ctx.signal.aborted) throw aborted(ctx);
        const batch = await ahead.shift()!;
        if (!batchSize || batch.numRows <= batchSize) {
          yielded = true;
          yield batch;
          continue;
        }
        for (let i = 0; i < batch.numRows; i += batchSize) {
          if (ctx.signal.aborted) throw aborted(ctx);
          yielded = true;
          yield batch.slice(i, Math.min(batch.numRows, i + batchSize));
        }
      }
    } finally {
      this.decoders.delete(decoder);
      await decoder.close();
    }
    if (!yielded) yield emptyBatch(schema);
  }
}

/** Zero rows that still carry the schema, so an empty source gives an empty destination. */
function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => vectorFromArray([], f.type).data[0]!);
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }),
  );
}

function shapes(file: ParquetFile, columns: readonly string[] | undefined): Shape[] {
  try {
    return file.shapes(columns);
  } catch (error) {
    if (error instanceof MissingColumnError)
      throw new HyggeError("CONFIG_INVALID", `${file.path}: ${error.message}`, {
        plugin: PLUGIN,
        subject: file.path,
        hint: "fix `columns` in the home block",
      });
    throw readFailed(file.path, error, "schema");
  }
}

async function openFile(path: string): Promise<ParquetFile> {
  try {
    return await ParquetFile.open(path);
  } catch (error) {
    throw readFailed(path, error, "footer");
  }
}

function readFailed(path: string, error: unknown, where: string): HyggeError {
  if (isHyggeError(error)) return error;
  if (error instanceof RefusedError)
    return new HyggeError("HOME_READ_FAILED", `hygge cannot carry ${path} (${where}): ${error.message}`, {
      plugin: PLUGIN,
      subject: path,
      cause: error,
      hint: error.hint,
    });
  const cause = error instanceof Error ? error.message : String(error);
  return new HyggeError("HOME_READ_FAILED", `cannot read ${path} (${where}): ${cause}`, {
    plugin: PLUGIN,
    subject: path,
    cause: error,
    hint: "the file is corrupt, truncated or not Parquet; replace or remove it",
  });
}

function aborted(ctx: ReadContext): HyggeError {
  return new HyggeError("ABORTED", "reading was cancelled", { plugin: PLUGIN, cause: ctx.signal.reason });
}
