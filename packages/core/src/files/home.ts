import { makeData, RecordBatch, type Schema, Struct, vectorFromArray } from "apache-arrow";
import { conformer } from "../arrow/conform.js";
import { unifySchemas } from "../arrow/unify.js";
import type { FileSource } from "../contracts/format.js";
import type { Home, ReadContext } from "../contracts/home.js";
import type { CreateContext } from "../contracts/plugin.js";
import { HyggeError } from "../errors.js";
import { type FileEngine, formatContext, formatOptions, readFailed } from "./engine.js";
import { listFiles } from "./listing.js";
import { entityLocation } from "./location.js";
import type { FileHomeOptions } from "./options.js";
import { fileSource } from "./source.js";

interface Reading {
  control: AbortController;
  /** The format's iterator over the file being read. */
  file?: AsyncIterator<RecordBatch>;
}

interface FileToRead {
  source: FileSource;
  /** The file's own schema (format.schema): what the format reads it as. */
  schema: Schema;
}

interface Planned {
  files: FileToRead[];
  /** The files' schemas unified by column name; undefined when there is no file. */
  schema?: Schema;
  where: string;
}

/**
 * Reads the files of an entity (a file, a folder or a glob, on any storage) in key order, one at
 * a time, streaming, through the format. Files whose schemas differ are read as one table by
 * column name (unifySchemas): each file is read with its own schema, and its batches conformed to
 * the unified one (missing columns null, widened columns cast exactly); a file that already has the
 * unified schema passes its batches through untouched.
 */
export class FileHome implements Home {
  /** Reads in progress: aborted by close() even when a read's iterator was dropped mid-way. */
  private readonly reads = new Set<Reading>();
  private readonly formatOptions: Record<string, unknown>;

  constructor(
    private readonly engine: FileEngine,
    private readonly options: FileHomeOptions,
    private readonly create: CreateContext,
  ) {
    this.formatOptions = formatOptions(engine.format.readOptions.shape, options);
  }

  private async sources(ctx: ReadContext): Promise<{ files: FileSource[]; where: string }> {
    const { storage, path } = await entityLocation(
      this.engine.registry,
      this.create,
      this.options,
      ctx.entity ?? this.create.entity,
      this.engine.plugin,
    );
    const objects = await listFiles(
      storage,
      path,
      this.engine.format.extensions,
      this.engine.plugin,
      ctx.signal,
    );
    return { files: objects.map((o) => fileSource(storage, o)), where: storage.url(path) };
  }

  /**
   * Lists the files and reads each one's schema (as little as the format can), then unifies them
   * by column name (SCHEMA_MISMATCH naming both files when a column's types are incompatible).
   */
  private async plan(ctx: ReadContext, signal = ctx.signal): Promise<Planned> {
    const { files, where } = await this.sources(ctx);
    const fctx = formatContext(this.create, signal, ctx.entity ?? this.create.entity, ctx.flow);
    const read: FileToRead[] = [];
    for (const file of files) {
      if (signal.aborted) throw this.aborted(signal);
      const schema = await this.engine.format
        .schema(file, this.formatOptions, fctx)
        .catch((e: unknown) => Promise.reject(readFailed(this.engine, file.url, e, "schema")));
      read.push({ source: file, schema });
    }
    const schema = unifySchemas(
      read.map((f) => ({ schema: f.schema, url: f.source.url })),
      this.engine.plugin,
    );
    if (schema) this.checkDeclared(schema, where, read.length);
    return { files: read, schema, where };
  }

  /** A declared column no file has is a typo, not an evolution: refused naming the columns there are. */
  private checkDeclared(schema: Schema, where: string, files: number): void {
    const declared = this.engine.format.declaredColumns?.(this.formatOptions) ?? [];
    const names = new Set(schema.fields.map((f) => f.name));
    const missing = declared.filter((name) => !names.has(name));
    if (missing.length === 0) return;
    throw new HyggeError(
      "HOME_READ_FAILED",
      `${where}: \`columns\` names ${missing.join(", ")}, which none of the ${files} file${files === 1 ? "" : "s"} has (their columns: ${[...names].join(", ")})`,
      {
        plugin: this.engine.plugin,
        subject: where,
        hint: "the names in columns: must be the files' column names (a file that lacks one reads it as null)",
      },
    );
  }

  /**
   * For a native engine (flow/engine-step.ts): the entity's files in read order, each with the
   * schema the format reads it as, and their unified schema (undefined when there is no file).
   */
  async copySource(ctx: ReadContext): Promise<{
    format: string;
    options: Record<string, unknown>;
    files: { localPath?: string; url: string; schema: Schema }[];
    schema?: Schema;
  }> {
    const { files, schema } = await this.plan(ctx);
    return {
      format: this.engine.type,
      options: this.formatOptions,
      files: files.map((f) => ({ localPath: f.source.localPath, url: f.source.url, schema: f.schema })),
      schema,
    };
  }

  async estimateRows(ctx: ReadContext): Promise<number | undefined> {
    const rows = this.engine.format.rows;
    if (!rows) return undefined;
    const { files } = await this.sources(ctx);
    const fctx = formatContext(this.create, ctx.signal, ctx.entity ?? this.create.entity, ctx.flow);
    let total = 0;
    for (const file of files) {
      const n = await rows(file, this.formatOptions, fctx).catch((e: unknown) =>
        Promise.reject(readFailed(this.engine, file.url, e, "row count")),
      );
      if (n === undefined) return undefined;
      total += n;
    }
    return total;
  }

  async schema(ctx: ReadContext): Promise<Schema> {
    const { schema, where } = await this.plan(ctx);
    if (!schema)
      throw new HyggeError("HOME_READ_FAILED", `no ${this.engine.type} files at ${where}`, {
        plugin: this.engine.plugin,
        subject: where,
        hint: `check \`path\`: a folder is read for files ending ${this.engine.format.extensions.join(", ")}`,
      });
    return schema;
  }

  /**
   * Ends every read in progress, even one whose iterator was dropped mid-way: the formats see the
   * abort, and the file being read is closed (its iterator returned) before this resolves.
   */
  async close(): Promise<void> {
    const reads = [...this.reads];
    this.reads.clear();
    for (const read of reads) read.control.abort(new Error("the home was closed"));
    await Promise.all(reads.map((read) => read.file?.return?.().catch(() => undefined)));
  }

  async *read(ctx: ReadContext): AsyncGenerator<RecordBatch> {
    const read: Reading = { control: new AbortController() };
    const signal = read.control.signal;
    const stop = () => read.control.abort(ctx.signal.reason);
    if (ctx.signal.aborted) stop();
    ctx.signal.addEventListener("abort", stop, { once: true });
    this.reads.add(read);
    try {
      const { files, schema } = await this.plan(ctx, signal);
      if (!schema) return;
      const fctx = formatContext(this.create, signal, ctx.entity ?? this.create.entity, ctx.flow);
      let yielded = false;
      for (const { source: file, schema: own } of files) {
        if (signal.aborted) throw this.aborted(signal);
        const conform = conformer(own, schema, { url: file.url, plugin: this.engine.plugin });
        const batches = this.engine.format.read(file, own, this.formatOptions, fctx)[Symbol.asyncIterator]();
        read.file = batches;
        let done = false;
        try {
          for (;;) {
            const next = await batches.next();
            if (next.done) break;
            if (signal.aborted) throw this.aborted(signal);
            yielded = true;
            yield conform ? conform(next.value) : next.value;
          }
          done = true;
        } catch (error) {
          if (signal.aborted) throw this.aborted(signal);
          throw readFailed(this.engine, file.url, error, "data");
        } finally {
          read.file = undefined;
          // Stopped early (an error, the consumer returned): the format releases the file now.
          if (!done) await batches.return?.().catch(() => undefined);
        }
      }
      if (!yielded) yield emptyBatch(schema);
    } finally {
      ctx.signal.removeEventListener("abort", stop);
      this.reads.delete(read);
    }
  }

  private aborted(signal: AbortSignal): HyggeError {
    return new HyggeError("ABORTED", "reading was cancelled", {
      plugin: this.engine.plugin,
      cause: signal.reason,
    });
  }
}

/** Zero rows that still carry the schema, so an empty source gives an empty destination. */
export function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => vectorFromArray([], f.type).data[0]!);
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }),
  );
}
