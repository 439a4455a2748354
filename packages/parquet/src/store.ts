import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { CommitReport, CommitState, CreateContext, Store, WriteContext } from "@hygge/core";
import { faultPoint, HyggeError, isHyggeError } from "@hygge/core";
import { type Data, type RecordBatch, type Schema, Timestamp } from "apache-arrow";
import { ARROW_SCHEMA_KEY, encodeArrowSchema } from "./arrow-schema.js";
import { entriesOf } from "./foreign.js";
import { type FileNamer, fileNamer } from "./naming.js";
import type { ResolvedStoreOptions } from "./options.js";
import { bookkeepingDir, storeLocation } from "./paths.js";
import {
  applyIntent,
  commitIntent,
  ensureDir,
  fsyncPath,
  type Intent,
  readIntent,
  readState,
  rollForward,
} from "./publish.js";
import { planPublish, refuseForeign, refuseMountPoint, refuseUnsortable } from "./publish-plan.js";
import { TIMEZONES_KEY } from "./read/parquet-file.js";
import { compressorFor } from "./write/codecs.js";
import { ParquetFileWriter } from "./write/file-writer.js";
import { parquetSchema, UnwritableError } from "./write/schema.js";

const PLUGIN = "@hygge/parquet";

interface Run {
  ctx: WriteContext;
  folder: string;
  book: string;
  staging: string;
  nextSeq: number;
  name: FileNamer;
  schema?: Schema;
  pending: RecordBatch[];
  pendingRows: number;
  writer?: ParquetFileWriter;
  files: string[];
  rows: number;
  bytes: number;
}

/** Writes Parquet files into a staging folder outside the published one, and publishes atomically. */
export class ParquetStore implements Store {
  readonly supports = { runTypes: ["full_drop", "incremental"] as const };
  private run?: Run;

  constructor(
    private readonly options: ResolvedStoreOptions,
    private readonly create: CreateContext,
  ) {}

  private where(entity: string | undefined) {
    const folder = storeLocation(this.options.path, this.create.projectDir, entity ?? this.create.entity);
    return { folder, book: bookkeepingDir(folder) };
  }

  async open(ctx: WriteContext): Promise<void> {
    const { folder, book } = this.where(ctx.entity);
    const entity = ctx.entity ?? this.create.entity;
    const name = fileNamer(this.options.file_name, entity ?? "", ctx.runId);
    // Nothing is created before the refusals: a refused run leaves the disk as it was.
    await refuseMountPoint(folder, entity);
    this.kept(folder, await rollForward(book, folder));
    const replaceExisting = this.options.replace_existing;
    await refuseForeign({ folder, book, entity, runType: ctx.runType, name, replaceExisting });
    await ensureDir(book);
    const existing = (await entriesOf(folder)).map((e) => e.name);
    const nextSeq = Math.max((await readState(book))?.nextSeq ?? 1, name.nextAfter(existing));
    if (ctx.runType === "incremental") refuseUnsortable(folder, name(nextSeq), existing);
    const staging = join(book, `staging-${ctx.runId}`);
    await ensureDir(staging);
    this.run = {
      ctx,
      folder,
      book,
      staging,
      nextSeq,
      name,
      pending: [],
      pendingRows: 0,
      files: [],
      rows: 0,
      bytes: 0,
    };
  }

  async write(batch: RecordBatch): Promise<void> {
    const run = this.active();
    run.schema ??= batch.schema;
    if (batch.numRows === 0) return;
    run.pending.push(batch);
    run.pendingRows += batch.numRows;
    while (run.pendingRows >= this.rowsWanted(run)) await this.flush(run, this.rowsWanted(run));
  }

  /** Rows for the next row group: the row group size, capped by what the current file may still take. */
  private rowsWanted(run: Run): number {
    const max = this.options.max_rows_per_file;
    const room = max ? max - (run.writer?.rows ?? 0) : Number.POSITIVE_INFINITY;
    return Math.min(this.options.row_group_size, room);
  }

  private async flush(run: Run, rows: number): Promise<void> {
    const take: RecordBatch[] = [];
    let n = 0;
    while (n < rows) {
      const b = run.pending[0]!;
      if (n + b.numRows <= rows) {
        take.push(b);
        run.pending.shift();
        n += b.numRows;
      } else {
        take.push(b.slice(0, rows - n));
        run.pending[0] = b.slice(rows - n);
        n = rows;
      }
    }
    run.pendingRows -= n;
    const writer = await this.writerFor(run);
    const columns: Data[][] = run.schema!.fields.map((_, c) => take.map((b) => b.data.children[c]!));
    try {
      writer.writeRowGroup(columns, n);
    } catch (error) {
      throw writeFailed(writer.path, error);
    }
    run.rows += n;
    const max = this.options.max_rows_per_file;
    if (max && writer.rows >= max) this.finishFile(run);
  }

  private async writerFor(run: Run): Promise<ParquetFileWriter> {
    if (run.writer) return run.writer;
    const schema = run.schema!;
    let elements: ReturnType<typeof parquetSchema>;
    let arrowSchema: string;
    try {
      elements = parquetSchema(schema);
      arrowSchema = encodeArrowSchema(schema);
    } catch (error) {
      throw writeFailed(run.folder, error);
    }
    const { codec, compressors } = await compressorFor(
      this.options.compression,
      this.options.compression_level,
    );
    const name = run.name(run.nextSeq++);
    run.writer = new ParquetFileWriter(join(run.staging, name), schema, elements, {
      codec,
      compressors,
      dictionary: this.options.dictionary,
      kvMetadata: [...zoneMetadata(schema), { key: ARROW_SCHEMA_KEY, value: arrowSchema }],
    });
    run.files.push(name);
    return run.writer;
  }

  private finishFile(run: Run): void {
    if (!run.writer) return;
    run.bytes += run.writer.finish();
    run.writer = undefined;
  }

  async commit(state: CommitState): Promise<CommitReport> {
    const run = this.active();
    await this.guard(run, async () => {
      const intent = await this._prepareCommit(state);
      faultPoint("parquet:after-intent"); // crash tests: the intent is durable, nothing published
      this.kept(run.folder, await applyIntent(run.book, run.folder, intent, true));
    });
    this.run = undefined;
    return { rows: run.rows, bytes: run.bytes, locations: run.files.map((f) => join(run.folder, f)) };
  }

  /**
   * Everything up to and including the commit point: the last rows flushed, staged files and
   * folder fsynced, the intent written. Exposed (with a leading underscore) so tests can stop a
   * run right there, as a crash would.
   */
  async _prepareCommit(state: CommitState): Promise<Intent> {
    const run = this.active();
    if (run.pendingRows > 0) await this.flush(run, run.pendingRows);
    // A full_drop of zero rows still publishes one empty file that carries the schema.
    if (run.files.length === 0 && run.schema && run.ctx.runType === "full_drop") await this.writerFor(run);
    this.finishFile(run);
    await fsyncPath(run.staging);
    const intent: Intent = {
      version: 1,
      runId: run.ctx.runId,
      runType: run.ctx.runType,
      staging: `staging-${run.ctx.runId}`,
      files: run.files,
      state,
      nextSeq: run.nextSeq,
      // What the folder holds now, and whose it is (entries may have been dropped in during the run).
      ...(await planPublish({
        folder: run.folder,
        book: run.book,
        staging: run.staging,
        entity: run.ctx.entity ?? this.create.entity,
        runType: run.ctx.runType,
        files: run.files,
        name: run.name,
        replaceExisting: this.options.replace_existing,
        logger: this.create.logger,
      })),
    };
    await commitIntent(run.book, intent); // the commit point
    return intent;
  }

  private async guard(run: Run, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (isHyggeError(error)) throw error;
      throw new HyggeError(
        "STORE_COMMIT_FAILED",
        `publishing ${run.folder} failed: ${(error as Error).message}`,
        {
          plugin: PLUGIN,
          subject: run.folder,
          cause: error,
          hint: "the previous data is intact, or the next run completes this publish before doing anything else",
        },
      );
    }
  }

  async abort(): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.writer?.close();
    // Past the commit point (an error while applying the intent), the staged files belong to the
    // intent: the next open() completes the publish with them. Deleting them would lose the run.
    const intent = await readIntent(run.book).catch(() => undefined);
    if (intent?.runId === run.ctx.runId) return;
    await rm(run.staging, { recursive: true, force: true });
  }

  async committedState(): Promise<CommitState | undefined> {
    if (this.run) return (await readState(this.run.book))?.state; // open() already rolled forward
    const { folder, book } = this.where(undefined);
    if ((await readState(book).catch(() => undefined)) === undefined && !(await readIntent(book)))
      return undefined;
    this.kept(folder, await rollForward(book, folder));
    return (await readState(book))?.state;
  }

  /** Entries someone put into the folder while hygge was publishing it: kept, and said so. */
  private kept(folder: string, names: string[]): void {
    if (names.length > 0)
      this.create.logger.warn(
        `${folder}: kept ${names.length} entries that appeared while it was being published (${names.slice(0, 5).join(", ")}); they are not hygge's`,
      );
  }

  async close(): Promise<void> {
    if (this.run) await this.abort();
  }

  private active(): Run {
    if (!this.run)
      throw new HyggeError("INTERNAL", "the parquet store was used before open()", { plugin: PLUGIN });
    return this.run;
  }
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
