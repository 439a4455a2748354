import type { Schema } from "apache-arrow";
import { exactSchemaDifference } from "../arrow/schema.js";
import type { FileCopy } from "../contracts/engine.js";
import { errorMessage } from "../errors.js";
import { emptyBatch, FileHome } from "../files/home.js";
import { FileStore } from "../files/store.js";
import type { AttemptContext } from "./attempt-context.js";
import type { Moved } from "./commit-step.js";
import type { EngineUse } from "./events.js";
import type { GuardedHome } from "./guarded-home.js";
import type { GuardedStore } from "./guarded-store.js";
import type { ResumePoint } from "./resume.js";
import type { FlowEngine } from "./run-flow.js";
import { schemaStep } from "./schema-step.js";
import { WatermarkTracker } from "./watermark.js";

/** The engine's verdict: `moved` when it copied the files, else the batch loop runs (`use` says why). */
export interface EngineOutcome {
  use: EngineUse;
  moved?: Moved;
}

type Copyable = { copy: FileCopy; home: FileHome; store: FileStore };

/**
 * Runs a file-to-file copy on the native engine (`engine:`) where it is exact, in place of the
 * batch loop: core's file home lists the files and reads their schemas, the engine checks the
 * copy (formats, options, every column's type) and writes one file into the file store's staging,
 * the store's format reads that file's schema back and it must be the source's exactly, then the
 * file store publishes it as its own (same staging, commit point, state, journal). Anything else
 * (another home or store, a watermark, files whose columns differ, a type outside the engine's
 * exact set, a schema the check does not confirm) falls back to the batch loop, which the report
 * says once, and so does a copy the engine fails (the batch loop then copies the files, or
 * refuses them with its own exact message).
 */
export async function engineStep(
  a: AttemptContext,
  home: GuardedHome,
  store: GuardedStore,
  resume: ResumePoint,
  engine: FlowEngine,
): Promise<EngineOutcome> {
  const fallback = (why: string): EngineOutcome => ({
    use: { type: engine.type, ran: false, fallback: why },
  });
  const found = await copyable(a, home, store, resume);
  if (typeof found === "string") return fallback(found);
  const { copy } = found;
  let refused: string | undefined;
  try {
    refused = await engine.definition.refuse(copy, engine.options, engine.context);
  } catch (error) {
    refused = `${engine.plugin} could not check the copy: ${errorMessage(error)}`;
  }
  if (refused) return fallback(refused);
  const outcome = await schemaStep(a, store, resume, copy.source.schema);
  if (outcome.decision.write) return fallback("on_schema_change: ignore leaves new columns out");
  const written = await run(a, found, engine, resume);
  if (typeof written === "string") return fallback(written);
  a.counters.rows = written.rows;
  a.counters.bytes = written.bytes;
  a.progress("progress");
  return {
    use: { type: engine.type, ran: true },
    moved: { schema: copy.source.schema, queueHighWater: 0, decision: outcome.decision },
  };
}

/** The copy, or why this run is not a local file-to-file copy of files that share one schema. */
async function copyable(
  a: AttemptContext,
  home: GuardedHome,
  store: GuardedStore,
  resume: ResumePoint,
): Promise<Copyable | string> {
  const fileHome = home.inner;
  const fileStore = store.inner;
  if (!(fileHome instanceof FileHome)) return "the home does not read files";
  if (!(fileStore instanceof FileStore)) return "the store does not write files";
  const target = fileStore.copyTarget();
  if (target.refuse) return target.refuse;
  let source: Awaited<ReturnType<FileHome["copySource"]>>;
  try {
    source = await fileHome.copySource(resume.readCtx);
  } catch (error) {
    throw a.fail(error, "HOME_READ_FAILED", a.options.homePlugin);
  }
  const schema = source.schema;
  if (!schema) return "there is no file to copy";
  const spec = a.options.watermark;
  const missing =
    spec && [spec.column, ...spec.primaryKey].find((c) => !schema.fields.some((f) => f.name === c));
  if (missing) return `the watermark's column "${missing}" is not among the files' columns`;
  const files: FileCopy["source"]["files"][number][] = [];
  for (const f of source.files) {
    if (!f.localPath) return `${f.url} is not on the local disk`;
    const differs = exactSchemaDifference(schema, f.schema);
    if (differs) return `the files' columns differ (${f.url}: ${differs})`;
    files.push({ localPath: f.localPath, url: f.url });
  }
  const copy: FileCopy = {
    flow: a.flow,
    entity: a.entity,
    ...(resume.since && spec ? { resume: { since: resume.since, primaryKey: spec.primaryKey } } : {}),
    source: { format: source.format, options: source.options, files, schema },
    target: { format: target.format, options: target.options },
  };
  return { copy, home: fileHome, store: fileStore };
}

/**
 * The run's watermark from the written file: its watermark and key columns read back by the
 * store's format through a fresh tracker (the batch loop's rule, from the committed watermark).
 * Every row must pass the boundary rule (else the engine kept rows the batch loop drops: the
 * file is not used); the tracker then replaces the run's, so the committed watermark is the one
 * the batch loop would commit. A file without rows still shows the tracker the columns' types.
 */
async function track(
  a: AttemptContext,
  store: FileStore,
  file: { localPath: string },
  rows: number,
  resume: ResumePoint,
  schema: Schema,
): Promise<string | undefined> {
  const spec = a.options.watermark!;
  const tracker = new WatermarkTracker(spec, resume.since, a.runType);
  const columns = [...new Set([spec.column, ...spec.primaryKey])];
  let kept = 0;
  let seen = 0;
  try {
    for await (const batch of store.readCopied(file, columns)) {
      seen += batch.numRows;
      for (const part of tracker.process(batch)) kept += part.numRows;
    }
    if (seen === 0) tracker.process(emptyBatch(schema));
  } catch (error) {
    throw a.fail(error, "HOME_READ_FAILED", a.options.homePlugin);
  }
  if (seen !== rows || kept !== rows)
    return `the engine's ${rows} rows are not the ones the boundary rule keeps (${kept} of ${seen})`;
  resume.tracker = tracker;
  return undefined;
}

/**
 * The engine writes the file; the store's format reads its schema back, which must be the
 * source's exactly (else the file is discarded and the batch loop runs); then it is staged.
 */
async function run(
  a: AttemptContext,
  { copy, store }: Copyable,
  engine: FlowEngine,
  resume: ResumePoint,
): Promise<{ rows: number; bytes: number } | string> {
  const file = store.copyFile();
  const discard = () => store.discard(file).catch(() => undefined);
  let rows: number;
  let schema: Schema;
  try {
    ({ rows } = await engine.definition.copy(copy, file.localPath, engine.options, {
      ...engine.context,
      signal: a.signal,
      progress: (read) => {
        a.counters.rows = read;
        a.progress("progress");
      },
    }));
    if (a.signal.aborted) throw a.failure();
    schema = await store.copiedSchema(file);
  } catch (error) {
    await discard();
    if (a.signal.aborted) throw a.failure();
    // A file the engine cannot read (a codec it lacks…) is the batch loop's to copy or to refuse
    // with its own exact message; an error of the disk there fails the attempt as a write would.
    return `${engine.plugin} could not copy: ${errorMessage(error)}`;
  }
  const differs = exactSchemaDifference(copy.source.schema, schema);
  if (differs) {
    await discard();
    return `the engine's file did not read back as the source (${differs})`;
  }
  const untracked = resume.tracker && (await track(a, store, file, rows, resume, schema));
  if (untracked) {
    await discard();
    return untracked;
  }
  // No new rows: an incremental run publishes no file (as the batch loop), a full_drop an empty one.
  if (rows === 0 && a.runType !== "full_drop") {
    await discard();
    return { rows: 0, bytes: 0 };
  }
  try {
    return { rows, bytes: await store.copied(file, rows, schema) };
  } catch (error) {
    throw a.fail(error, "STORE_WRITE_FAILED", a.options.storePlugin);
  }
}
