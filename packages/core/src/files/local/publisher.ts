import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { CommitState } from "../../contracts/store.js";
import { HyggeError } from "../../errors.js";
import { faultPoint } from "../../fault.js";
import type { FileNamer } from "../naming.js";
import type { Publisher, PublishRun, PublishTarget } from "../publisher.js";
import { entriesOf } from "./foreign.js";
import {
  applyIntent,
  commitIntent,
  ensureDir,
  fsyncPath,
  type Intent,
  readIntent,
  readState,
  rollForward,
} from "./intent.js";
import { planPublish, refuseForeign, refuseMountPoint, refuseUnsortable } from "./plan.js";

interface Opened {
  run: PublishRun;
  staging: string;
}

/**
 * The local disk's publish protocol (ARCHITECTURE §4): the format writes the run's files straight
 * into a staging folder in the bookkeeping beside the entity folder; the intent file is the commit
 * point; a full_drop swaps folders, an incremental run swaps in a hard-link mirror of the folder
 * plus its new files. No byte is copied.
 */
export class LocalPublisher implements Publisher {
  private readonly folder: string;
  private readonly book: string;
  private opened?: Opened;

  constructor(
    private readonly target: PublishTarget,
    private readonly plugin: string,
  ) {
    const local = (key: string) => target.storage.localPath!(key.replace(/\/$/, ""));
    this.folder = local(target.folder);
    this.book = local(target.book);
  }

  async open(run: PublishRun): Promise<{ nextSeq: number }> {
    const { folder, book } = this;
    const entity = this.target.entity;
    // Nothing is created before the refusals: a refused run leaves the disk as it was.
    await refuseMountPoint(folder, entity, this.plugin);
    this.kept(await rollForward(book, folder));
    const replaceExisting = run.replaceExisting;
    const name = run.name;
    await refuseForeign({
      folder,
      book,
      entity,
      runType: run.runType,
      name,
      replaceExisting,
      plugin: this.plugin,
    });
    await ensureDir(book);
    const existing = (await entriesOf(folder)).map((e) => e.name);
    const nextSeq = Math.max((await readState(book))?.nextSeq ?? 1, name.nextAfter(existing));
    if (run.runType === "incremental")
      refuseUnsortable(folder, name(nextSeq), existing, run.extensions ?? [""], this.plugin);
    const staging = join(book, `staging-${run.runId}`);
    await ensureDir(staging);
    this.opened = { run, staging };
    return { nextSeq };
  }

  localPathFor(name: string): string {
    return join(this.active().staging, name);
  }

  /** The file is already where it is published from. */
  async staged(): Promise<void> {}

  async commit(state: CommitState, files: string[], nextSeq: number): Promise<void> {
    const intent = await this.prepare(state, files, nextSeq);
    faultPoint("files:after-intent"); // crash tests: the intent is durable, nothing published
    this.kept(await applyIntent(this.book, this.folder, intent, true));
    this.opened = undefined;
  }

  /**
   * Everything up to and including the commit point: the staged files and folder fsynced, the
   * intent written. `commit` goes on to publish; tests stop right here, as a crash would.
   */
  async prepare(state: CommitState, files: string[], nextSeq: number): Promise<Intent> {
    const { run, staging } = this.active();
    await fsyncPath(staging);
    const intent: Intent = {
      version: 1,
      runId: run.runId,
      runType: run.runType,
      staging: `staging-${run.runId}`,
      files,
      state,
      nextSeq,
      // What the folder holds now, and whose it is (entries may have been dropped in during the run).
      ...(await planPublish({
        folder: this.folder,
        book: this.book,
        staging,
        entity: this.target.entity,
        runType: run.runType,
        files,
        name: run.name as FileNamer,
        replaceExisting: run.replaceExisting,
        logger: this.target.logger,
        plugin: this.plugin,
      })),
    };
    await commitIntent(this.book, intent); // the commit point
    return intent;
  }

  async abort(): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    this.opened = undefined;
    // Past the commit point (an error while applying the intent), the staged files belong to the
    // intent: the next open() completes the publish with them. Deleting them would lose the run.
    const intent = await readIntent(this.book).catch(() => undefined);
    if (intent?.runId === opened.run.runId) return;
    await rm(opened.staging, { recursive: true, force: true });
  }

  async committedState(): Promise<CommitState | undefined> {
    if (this.opened) return (await readState(this.book))?.state; // open() already rolled forward
    if ((await readState(this.book).catch(() => undefined)) === undefined && !(await readIntent(this.book)))
      return undefined;
    this.kept(await rollForward(this.book, this.folder));
    return (await readState(this.book))?.state;
  }

  /** Entries someone put into the folder while hygge was publishing it: kept, and said so. */
  private kept(names: string[]): void {
    if (names.length > 0)
      this.target.logger.warn(
        `${this.folder}: kept ${names.length} entries that appeared while it was being published (${names.slice(0, 5).join(", ")}); they are not hygge's`,
      );
  }

  private active(): Opened {
    if (!this.opened)
      throw new HyggeError("INTERNAL", "the local publisher was used before open()", { plugin: this.plugin });
    return this.opened;
  }
}
