import { rm, stat } from "node:fs/promises";
import type { RecordBatch, Schema } from "apache-arrow";
import { unifySchemas } from "../arrow/unify.js";
import type { CheckResult, RunType } from "../contracts/common.js";
import type { FormatWriter } from "../contracts/format.js";
import type { CreateContext } from "../contracts/plugin.js";
import type { CommitReport, CommitState, PublishedColumns, Store, WriteContext } from "../contracts/store.js";
import { describeError, HyggeError, isHyggeError } from "../errors.js";
import { type FileEngine, formatContext, formatOptions } from "./engine.js";
import { LocalPublisher } from "./local/publisher.js";
import { localStorage } from "./local-storage.js";
import { checkStoreFolder, entityLocation, publishKeys } from "./location.js";
import { type FileNamer, fileNamer } from "./naming.js";
import { createObjectPublisher } from "./object/index.js";
import type { FileStoreOptions } from "./options.js";
import type { Publisher, PublishTarget } from "./publisher.js";
import { fileSource } from "./source.js";
import { checkFileStore } from "./store-check.js";

interface OpenFile {
  writer: FormatWriter;
  name: string;
  path: string;
  rows: number;
}

interface Run {
  ctx: WriteContext;
  publisher: Publisher;
  target: PublishTarget;
  name: FileNamer;
  nextSeq: number;
  schema?: Schema;
  file?: OpenFile;
  files: string[];
  rows: number;
  bytes: number;
}

/**
 * Writes an entity's files through the format (a new file every `max_rows_per_file` rows) and
 * publishes them through the storage's protocol: `LocalPublisher` on the local disk (staging,
 * intent file, folder swap), the object publisher on object storage.
 */
export class FileStore implements Store {
  readonly supports = { runTypes: ["full_drop", "incremental"] as const };
  private run?: Run;
  private readonly formatOptions: Record<string, unknown>;

  constructor(
    private readonly engine: FileEngine,
    private readonly options: FileStoreOptions,
    private readonly create: CreateContext,
  ) {
    this.formatOptions = formatOptions(engine.format.writeOptions.shape, options);
  }

  private async target(entity: string | undefined): Promise<{ target: PublishTarget; publisher: Publisher }> {
    const ref = await entityLocation(
      this.engine.registry,
      this.create,
      this.options,
      entity,
      this.engine.plugin,
    );
    checkStoreFolder(ref, this.create.projectDir, entity, this.engine.plugin);
    const target: PublishTarget = {
      storage: ref.storage,
      ...publishKeys(ref.path),
      entity,
      logger: this.create.logger,
    };
    const publisher = ref.storage.capabilities.local
      ? new LocalPublisher(target, this.engine.plugin)
      : createObjectPublisher(target);
    return { target, publisher };
  }

  async check(ctx?: { runType: RunType }): Promise<CheckResult[]> {
    const entity = this.create.entity;
    let target: PublishTarget;
    try {
      target = (await this.target(entity)).target;
    } catch (error) {
      return [
        {
          ok: false,
          subject: this.options.path,
          message: describeError(error).split("\n")[0]!,
          hint: (error as HyggeError).hint,
        },
      ];
    }
    return checkFileStore({
      target,
      runType: ctx?.runType,
      replaceExisting: this.options.replace_existing,
      name: fileNamer(this.options.file_name, entity ?? "", "check"),
      plugin: this.engine.plugin,
    });
  }

  async open(ctx: WriteContext): Promise<void> {
    const entity = ctx.entity ?? this.create.entity;
    const { target, publisher } = await this.target(entity);
    const name = fileNamer(this.options.file_name, entity ?? "", ctx.runId);
    const { nextSeq } = await publisher.open({
      runId: ctx.runId,
      runType: ctx.runType,
      name,
      replaceExisting: this.options.replace_existing,
      signal: ctx.signal,
      extensions: this.engine.format.extensions,
    });
    this.run = { ctx, publisher, target, name, nextSeq, files: [], rows: 0, bytes: 0 };
  }

  async write(batch: RecordBatch): Promise<void> {
    const run = this.active();
    run.schema ??= batch.schema;
    const max = this.options.max_rows_per_file;
    let offset = 0;
    while (offset < batch.numRows) {
      const file = await this.fileFor(run);
      const n = Math.min(max ? max - file.rows : Number.POSITIVE_INFINITY, batch.numRows - offset);
      const part = offset === 0 && n === batch.numRows ? batch : batch.slice(offset, offset + n);
      await this.writing(file.path, () => file.writer.write(part));
      file.rows += n;
      run.rows += n;
      offset += n;
      if (max && file.rows >= max) await this.finishFile(run);
    }
  }

  private async fileFor(run: Run): Promise<OpenFile> {
    if (run.file) return run.file;
    const name = run.name(run.nextSeq++);
    const path = run.publisher.localPathFor(name);
    const fctx = formatContext(this.create, run.ctx.signal, run.target.entity, run.ctx.flow);
    const writer = await this.writing(path, () =>
      this.engine.format.createWriter(path, run.schema!, this.formatOptions, fctx),
    );
    run.file = { writer, name, path, rows: 0 };
    run.files.push(name);
    return run.file;
  }

  private async finishFile(run: Run): Promise<void> {
    const file = run.file;
    if (!file) return;
    run.file = undefined;
    const { bytes } = await this.writing(file.path, () => file.writer.finish());
    run.bytes += bytes;
    await run.publisher.staged(file.name, run.ctx.signal);
  }

  /** Finishes the last file; a full_drop of zero rows still publishes one empty file with the schema. */
  private async finishRun(run: Run): Promise<void> {
    if (run.files.length === 0 && run.schema && run.ctx.runType === "full_drop") await this.fileFor(run);
    await this.finishFile(run);
  }

  async commit(state: CommitState): Promise<CommitReport> {
    const run = this.active();
    await this.finishRun(run);
    await this.guard(run, () => run.publisher.commit(state, run.files, run.nextSeq));
    this.run = undefined;
    const { storage, folder } = run.target;
    return { rows: run.rows, bytes: run.bytes, locations: run.files.map((f) => storage.url(folder + f)) };
  }

  /**
   * For a native engine (flow/engine-step.ts): the format and its write options, or why the store
   * cannot take a file the engine writes (object storage, `max_rows_per_file`).
   */
  copyTarget(): { format: string; options: Record<string, unknown>; refuse?: string } {
    const run = this.active();
    const refuse = !run.target.storage.capabilities.local
      ? `the destination ${run.target.storage.url(run.target.folder)} is not on the local disk`
      : this.options.max_rows_per_file !== undefined
        ? "max_rows_per_file is set (the engine writes one file)"
        : run.files.length > 0 || run.file
          ? "the run already wrote files"
          : undefined;
    return { format: this.engine.type, options: this.formatOptions, ...(refuse ? { refuse } : {}) };
  }

  /** The next file of the run, for an engine to write at `localPath` (in the staging). */
  copyFile(): { name: string; localPath: string } {
    const run = this.active();
    const name = run.name(run.nextSeq++);
    return { name, localPath: run.publisher.localPathFor(name) };
  }

  /** The schema the store's format reads the engine's file as (its footer or a sample). */
  async copiedSchema(file: { localPath: string }): Promise<Schema> {
    const { source, options, fctx } = await this.copiedSource(file);
    return this.engine.format.schema(source, options, fctx);
  }

  /**
   * The engine's file read back by the store's own format, only `columns` where the format can
   * select them (the watermark's, for the engine step's tracker).
   */
  async *readCopied(file: { localPath: string }, columns: readonly string[]): AsyncGenerator<RecordBatch> {
    const { source, options, fctx } = await this.copiedSource(file, columns);
    const schema = await this.engine.format.schema(source, options, fctx);
    yield* this.engine.format.read(source, schema, options, fctx);
  }

  private async copiedSource(file: { localPath: string }, columns?: readonly string[]) {
    const run = this.active();
    const { format } = this.engine;
    const selected = columns && format.readOptions.safeParse({ columns });
    const options = selected?.success ? selected.data : format.readOptions.parse({});
    const { size } = await stat(file.localPath);
    const source = fileSource(localStorage, { path: file.localPath, size });
    const fctx = formatContext(this.create, run.ctx.signal, run.target.entity, run.ctx.flow);
    return { source, options, fctx };
  }

  /** The engine's file is complete: one of the run's files, staged like the format's own. */
  async copied(file: { name: string; localPath: string }, rows: number, schema: Schema): Promise<number> {
    const run = this.active();
    const { size } = await stat(file.localPath);
    run.schema ??= schema;
    run.files.push(file.name);
    run.rows += rows;
    run.bytes += size;
    await run.publisher.staged(file.name, run.ctx.signal);
    return size;
  }

  /** An engine's file that is not kept (a failed copy, a check it did not pass). */
  async discard(file: { localPath: string }): Promise<void> {
    await rm(file.localPath, { force: true });
  }

  /**
   * Everything up to and including the commit point (the last file finished, the publisher's
   * record written), then nothing: tests stop a run right there, as a crash would.
   */
  async _prepareCommit(state: CommitState): Promise<{ files: string[] }> {
    const run = this.active();
    await this.finishRun(run);
    if (!run.publisher.prepare)
      throw new HyggeError("INTERNAL", "this publisher cannot stop at its commit point", {
        plugin: this.engine.plugin,
      });
    return run.publisher.prepare(state, run.files, run.nextSeq);
  }

  private async guard(run: Run, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (isHyggeError(error)) throw error;
      const where = run.target.storage.url(run.target.folder);
      throw new HyggeError("STORE_COMMIT_FAILED", `publishing ${where} failed: ${(error as Error).message}`, {
        plugin: this.engine.plugin,
        subject: where,
        cause: error,
        hint: "the previous data is intact, or the next run completes this publish before doing anything else",
      });
    }
  }

  /** A format's or the file system's error that is not a HyggeError, as one naming the file. */
  private async writing<T>(path: string, work: () => T | Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isHyggeError(error)) throw error;
      throw new HyggeError(
        "STORE_WRITE_FAILED",
        `cannot write ${path}: ${(error as Error)?.message ?? error}`,
        {
          plugin: this.engine.plugin,
          subject: path,
          cause: error,
          hint: "check disk space and permissions of the destination",
        },
      );
    }
  }

  async abort(): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    const file = run.file;
    if (file) {
      await file.writer.abort().catch(() => undefined);
      await rm(file.path, { force: true }).catch(() => undefined);
    }
    await run.publisher.abort();
  }

  /**
   * The columns of the files already published, unified by name as the file home reads them: for
   * a state an older hygge committed without its columns, so the first run after an upgrade is
   * compared too (a type the older files cannot be unified with is refused, not published).
   */
  async publishedSchema(): Promise<PublishedColumns | undefined> {
    const { target } = this.run ?? (await this.target(this.create.entity));
    const { format } = this.engine;
    const options = format.readOptions.parse(formatOptions(format.readOptions.shape, this.options));
    const signal = this.run?.ctx.signal ?? new AbortController().signal;
    const fctx = formatContext(this.create, signal, target.entity);
    const files: { schema: Schema; url: string }[] = [];
    for await (const o of target.storage.list(target.folder, signal)) {
      const name = o.path.slice(target.folder.length);
      if (name.includes("/") || name.startsWith(".") || name.startsWith("_")) continue;
      if (!format.extensions.some((e) => name.endsWith(e))) continue;
      const source = fileSource(target.storage, o);
      files.push({ schema: await format.schema(source, options, fctx), url: source.url });
    }
    const schema = unifySchemas(files, this.engine.plugin);
    // Arrow types as the source's were: compared strictly, like recorded columns.
    return schema && { schema, exact: true };
  }

  async committedState(): Promise<CommitState | undefined> {
    if (this.run) return this.run.publisher.committedState();
    const { publisher } = await this.target(this.create.entity);
    return publisher.committedState();
  }

  async close(): Promise<void> {
    if (this.run) await this.abort();
  }

  private active(): Run {
    if (!this.run)
      throw new HyggeError("INTERNAL", `the ${this.engine.type} store was used before open()`, {
        plugin: this.engine.plugin,
      });
    return this.run;
  }
}
