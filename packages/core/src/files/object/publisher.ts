import { mkdirSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CommitState } from "../../contracts/store.js";
import { HyggeError, isHyggeError } from "../../errors.js";
import { faultPoint } from "../../fault.js";
import type { Publisher, PublishRun, PublishTarget } from "../publisher.js";
import { applyRecord, type Place, rollForward } from "./apply.js";
import { Heartbeat, STALE_MS, sweepDeadRuns } from "./heartbeat.js";
import {
  type CommitRecord,
  commitKey,
  commitSeqs,
  deletePrefix,
  encode,
  namesIn,
  readJson,
  type StoredState,
  stagingPrefix,
} from "./records.js";
import { foreignRefused, refuseOverwrite, refuseUnsortable } from "./refuse.js";
import { Uploader } from "./uploader.js";

export interface ObjectPublisherOptions {
  /** Where runs write their files before uploading them (default: the OS temp folder, `TMPDIR`). */
  tempDir?: string;
  /**
   * A run whose heartbeat is this much older than a new run's own is dead, and its staging is
   * deleted by the new run's open() (default 60 s; the tests use 0 to sweep a just-killed run).
   */
  staleAfterMs?: number;
}

interface Open {
  run: PublishRun;
  /** The last commit seen by open(): this run's record is `base + 1`, or it lost a race. */
  base: number;
  stored: StoredState | undefined;
  local: string;
  uploader: Uploader;
  heartbeat: Heartbeat;
  /** The seq of the record this run tried to create, and whether it did. */
  tried?: number;
  committed: boolean;
}

/**
 * The publish protocol on object storage (ARCHITECTURE §4, "Publishing on object storage"): files
 * are uploaded under the bookkeeping prefix, the commit point is one record created only if absent,
 * then the files are copied to their names in the folder and the replaced ones deleted.
 */
export class ObjectPublisher implements Publisher {
  private current?: Open;

  constructor(
    private readonly target: PublishTarget,
    private readonly options: ObjectPublisherOptions = {},
  ) {
    const { folder, book } = target;
    if (!folder.endsWith("/") || !book.endsWith("/") || book.startsWith(folder) || folder.startsWith(book))
      throw new HyggeError(
        "INTERNAL",
        `bookkeeping ${book} must be a folder outside the published ${folder}`,
      );
  }

  private place(signal?: AbortSignal): Place {
    const { storage, folder, book, logger } = this.target;
    return { storage, folder, book, logger, signal };
  }

  async open(run: PublishRun): Promise<{ nextSeq: number }> {
    const { storage, folder, book, entity } = this.target;
    const p = this.place(run.signal);
    const { seq, stored } = await rollForward(p);
    const existing = await namesIn(storage, folder, run.signal);
    const ours = new Set(stored?.published ?? []);
    if (run.runType === "full_drop" && !run.replaceExisting) {
      const foreign = existing.filter((n) => !ours.has(n));
      if (foreign.length > 0) throw foreignRefused(storage, folder, entity, foreign, stored === undefined);
    }
    const nextSeq = Math.max(stored?.nextSeq ?? 1, run.name.nextAfter(existing));
    if (run.runType === "incremental")
      refuseUnsortable(storage, folder, run.name(nextSeq), existing, run.name);
    // Only now, the refusals passed, does the run write anything: its heartbeat, then the sweep of
    // staging left by runs that never reached their commit point (committed ones are applied now).
    const heartbeat = new Heartbeat(storage, book, run.runId);
    const now = await heartbeat.start(run.signal);
    try {
      await sweepDeadRuns(
        storage,
        book,
        run.runId,
        now.modified,
        this.options.staleAfterMs ?? STALE_MS,
        run.signal,
      );
    } catch (error) {
      await heartbeat.stop();
      throw error;
    }
    // One folder per publisher: the entities of one run share its run id.
    const parent = this.options.tempDir ?? tmpdir();
    mkdirSync(parent, { recursive: true });
    const local = mkdtempSync(join(parent, `hygge-staging-${run.runId}-`));
    const uploader = new Uploader(storage);
    this.current = { run, base: seq, stored, local, uploader, heartbeat, committed: false };
    return { nextSeq };
  }

  localPathFor(name: string): string {
    const path = join(this.active().local, name);
    mkdirSync(dirname(path), { recursive: true });
    return path;
  }

  async staged(name: string, signal: AbortSignal): Promise<void> {
    const o = this.active();
    await o.uploader.stage(join(o.local, name), stagingPrefix(this.target.book, o.run.runId) + name, signal);
  }

  async commit(state: CommitState, files: string[], nextSeq: number): Promise<void> {
    const o = this.active();
    const { storage, book } = this.target;
    const signal = o.run.signal;
    await o.uploader.settle();
    await rm(o.local, { recursive: true, force: true });
    const staging = stagingPrefix(book, o.run.runId);
    const stagedNames = new Set(await namesIn(storage, staging, signal));
    const missing = files.filter((f) => !stagedNames.has(f));
    if (missing.length > 0)
      throw this.failed(`staged objects of this run are missing (${missing.slice(0, 5).join(", ")})`);
    // Another run committed since open(): this run's plan (names, what to replace) is stale.
    if (((await commitSeqs(storage, book, signal)).at(-1) ?? 0) > o.base) return this.lost(o);
    const record = await this.plan(o, state, files, nextSeq);
    o.tried = record.seq;
    if (!(await storage.createIfAbsent(commitKey(book, record.seq), encode(record), signal)))
      return this.lost(o);
    if ((await commitSeqs(storage, book, signal)).at(-1) !== record.seq) {
      // Our seq had been used and pruned by later commits: ours is stale and never the newest, so
      // no one applies it; remove it and lose the race.
      await storage.delete(commitKey(book, record.seq), signal);
      return this.lost(o);
    }
    o.committed = true; // the commit point
    faultPoint("files:object:after-commit-record");
    try {
      await applyRecord(this.place(signal), record, o.stored);
    } catch (error) {
      if (isHyggeError(error)) throw error;
      throw this.failed((error as Error).message, error, true);
    } finally {
      await o.heartbeat.stop();
    }
  }

  /** What the record holds, from the folder as it is right before the commit point. */
  private async plan(o: Open, state: CommitState, files: string[], nextSeq: number): Promise<CommitRecord> {
    const { storage, folder, entity } = this.target;
    const existing = await namesIn(storage, folder, o.run.signal);
    const before = new Set(o.stored?.published ?? []);
    const ours = existing.filter((n) => before.has(n));
    const mine = new Set(files);
    const common = {
      version: 1,
      seq: o.base + 1,
      runId: o.run.runId,
      runType: o.run.runType,
      files,
      state,
      nextSeq,
    } as const;
    if (o.run.runType === "full_drop") {
      const foreign = existing.filter((n) => !before.has(n));
      if (foreign.length > 0 && !o.run.replaceExisting)
        throw foreignRefused(storage, folder, entity, foreign, false, true);
      const replaced = o.run.replaceExisting ? existing : ours;
      return { ...common, published: files, delete: replaced.filter((n) => !mine.has(n)) };
    }
    refuseOverwrite(
      storage,
      folder,
      existing.filter((n) => mine.has(n)),
    );
    return { ...common, published: [...ours, ...files], delete: [] };
  }

  /** Another run committed first: this one publishes nothing and drops its staging. */
  private async lost(o: Open): Promise<never> {
    const { storage, folder, book } = this.target;
    await deletePrefix(storage, stagingPrefix(book, o.run.runId), o.run.signal);
    await o.heartbeat.stop();
    throw new HyggeError(
      "STORE_COMMIT_FAILED",
      `another run published ${storage.url(folder)} while this one ran (commit ${o.base + 1} is not this run's); nothing of this run was published`,
      {
        entity: this.target.entity,
        subject: storage.url(folder),
        hint: "two runs of one entity overlapped (another machine or project writing the same path?); run again: the next run starts from the other run's data",
      },
    );
  }

  private failed(why: string, cause?: unknown, committed = false): HyggeError {
    const where = this.target.storage.url(this.target.folder);
    return new HyggeError("STORE_COMMIT_FAILED", `publishing ${where} failed: ${why}`, {
      entity: this.target.entity,
      subject: where,
      cause,
      hint: committed
        ? "the run is committed: the next run of this entity finishes publishing it before anything else"
        : "nothing was published; the previous data is intact",
    });
  }

  async abort(): Promise<void> {
    const o = this.current;
    if (!o) return;
    this.current = undefined;
    await o.uploader.cancel();
    await rm(o.local, { recursive: true, force: true });
    await o.heartbeat.stop();
    const { storage, book } = this.target;
    if (o.committed) return; // the next open() finishes it with the staged objects
    if (o.tried !== undefined) {
      // createIfAbsent may have failed after creating the record (a lost response): look.
      const record = await readJson<CommitRecord>(storage, commitKey(book, o.tried)).catch(() => undefined);
      if (record?.runId === o.run.runId) return;
    }
    await deletePrefix(storage, stagingPrefix(book, o.run.runId));
  }

  async committedState(): Promise<CommitState | undefined> {
    const { stored } = await rollForward(this.place(this.current?.run.signal));
    return stored?.state;
  }

  private active(): Open {
    if (!this.current) throw new HyggeError("INTERNAL", "the object publisher is not open");
    return this.current;
  }
}
