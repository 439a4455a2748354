import { mkdir, open, readdir, readFile, rename, rm, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RunType } from "../../contracts/common.js";
import type { CommitState } from "../../contracts/store.js";
import { faultPoint } from "../../fault.js";
import { clearLinks, copyAttributes, exists, fsyncPath, mirrorTree, reconcile } from "./link-tree.js";

export { fsyncPath } from "./link-tree.js";

/**
 * The local disk's publish protocol (ARCHITECTURE §4, README "How a file store publishes"). Bookkeeping lives in `book`
 * (`<parent>/.hygge/<entity>/`), never inside the published `folder`.
 *
 * - `staging-<run>/`   files being written by run <run>, already under their final names; for an
 *                      incremental run it becomes the new entity folder (old entries hard-linked in)
 * - `publish.json`     the intent: written atomically once staging is durable; THE commit point
 * - `trash-<run>/`     the previous entity folder, deleted once the intent is applied
 * - `state.json`       the committed state (run id, watermark), the next file sequence and the
 *                      names of the files hygge published in the folder
 *
 * Applying an intent is idempotent, so a run that dies anywhere after the commit point is
 * finished by the next run of the entity (`rollForward`) before it does anything else.
 */
export interface Intent {
  version: 1;
  runId: string;
  runType: RunType;
  staging: string;
  /** This run's files. */
  files: string[];
  state: CommitState;
  nextSeq: number;
  /**
   * How an incremental run is published: `swap`, the whole entity folder replaced in one rename by
   * staging holding hard links of every old entry plus the new files; `files`, one rename per new
   * file (a file system without hard links, or an intent written by an older hygge).
   */
  mode?: "swap" | "files";
  /** The files hygge has published in the folder once this intent is applied. */
  published?: string[];
  /** full_drop: the old folder's entries this run may discard; any other is put back. Absent: all. */
  replace?: string[];
}

export interface StoredState {
  version: 1;
  state: CommitState;
  nextSeq: number;
  /** Names of the files hygge published in the entity folder (absent in states of older hygge versions). */
  files?: string[];
}

const INTENT = "publish.json";
const STATE = "state.json";

/** Write JSON durably and atomically: tmp file, fsync, rename, fsync the folder. */
export async function writeJsonAtomic(dir: string, name: string, value: unknown): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(dir, name));
  await fsyncPath(dir);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(
      `${path} is unreadable (${(error as Error).message}); delete it only if you know the last run's outcome`,
    );
  }
}

export const readState = (book: string) => readJson<StoredState>(join(book, STATE));
export const readIntent = (book: string) => readJson<Intent>(join(book, INTENT));

export async function commitIntent(book: string, intent: Intent): Promise<void> {
  await writeJsonAtomic(book, INTENT, intent);
}

/**
 * Applies an intent; safe to run again after a crash at any point. Returns the names of entries
 * someone added to the folder while it was being published, which were kept (never deleted).
 * `fresh`: the intent was written a moment ago by this process, its links need no refresh.
 */
export async function applyIntent(
  book: string,
  folder: string,
  intent: Intent,
  fresh = false,
): Promise<string[]> {
  const staging = join(book, intent.staging);
  const trash = join(book, `trash-${intent.runId}`);
  const own = new Set(intent.files);
  let kept: string[] = [];
  if (intent.runType === "full_drop") {
    await swapIn(book, folder, intent, async () => {
      if (await exists(folder)) await copyAttributes(folder, staging, false);
    });
    kept = await keepUnreplaced(trash, folder, intent);
  } else if (intent.mode === "swap" && intent.files.length > 0) {
    await swapIn(book, folder, intent, async () => {
      // Staging holds this run's files and hard links of the folder as it was at the commit
      // point. Unless they were made a moment ago (`fresh`), bring them up to date: a crashed
      // run's intent may be completed long after. What cannot be linked is moved over by reconcile.
      if (await exists(folder)) {
        if (!fresh) await mirrorTree(folder, staging, own, false);
        await copyAttributes(folder, staging, false);
      } else await clearLinks(staging, own);
      faultPoint("files:after-link"); // staging is the complete new folder; nothing published
    });
    if (await exists(trash)) kept = await reconcile(trash, folder, intent.runId, own);
  } else await publishFileByFile(book, folder, intent);
  faultPoint("files:before-state");
  await writeJsonAtomic(book, STATE, {
    version: 1,
    state: intent.state,
    nextSeq: intent.nextSeq,
    files: intent.published,
  } satisfies StoredState);
  await unlink(join(book, INTENT)).catch(() => undefined);
  await fsyncPath(book);
  await rm(trash, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
  return kept;
}

/**
 * Replaces the entity folder by the staging folder: the old one is renamed to `trash-<run>`, then
 * staging to the folder. `prepare` runs first, while the old folder is still in place.
 */
async function swapIn(book: string, folder: string, intent: Intent, prepare: () => Promise<void>) {
  const staging = join(book, intent.staging);
  const trash = join(book, `trash-${intent.runId}`);
  const parent = dirname(folder);
  if (await exists(staging)) {
    if (!(await exists(trash))) {
      await prepare();
      if (await exists(folder)) await rename(folder, trash);
    }
    faultPoint("files:mid-publish");
    await rename(staging, folder);
    await fsyncPath(parent);
    await fsyncPath(book);
  } else if (!(await exists(folder)) || !(await holdsAll(folder, intent.files))) {
    // Neither the new data nor a published folder: the staged files were lost (deleted by hand,
    // a disk error). Put the previous data back and give up on this intent: the committed state
    // stays the previous one, consistent with that data.
    if (intent.runType !== "full_drop" && (await exists(folder))) {
      // An incremental run is taken back: its own files out, every old entry in again.
      for (const name of intent.files) await rm(join(folder, name), { force: true });
      if (await exists(trash)) await reconcile(trash, folder, intent.runId);
      await fsyncPath(folder);
    }
    if ((await exists(trash)) && !(await exists(folder))) await rename(trash, folder);
    await abandon(book, parent);
    throw new Error(`the staged files of run ${intent.runId} are gone; the previous data was put back`);
  }
}

/** full_drop: entries of the old folder that appeared after the commit point are put back, not deleted. */
async function keepUnreplaced(trash: string, folder: string, intent: Intent): Promise<string[]> {
  if (!intent.replace || !(await exists(trash))) return [];
  const allowed = new Set(intent.replace);
  const kept: string[] = [];
  for (const name of await readdir(trash)) {
    if (allowed.has(name)) continue;
    const target = (await exists(join(folder, name))) ? `${name}.hygge-kept-${intent.runId}` : name;
    await rename(join(trash, name), join(folder, target));
    kept.push(target);
  }
  if (kept.length > 0) await fsyncPath(folder);
  return kept;
}

/** One rename per file: readers may see part of the run until the last rename. */
async function publishFileByFile(book: string, folder: string, intent: Intent): Promise<void> {
  const staging = join(book, intent.staging);
  const parent = dirname(folder);
  const created = !(await exists(folder));
  await mkdir(folder, { recursive: true });
  if (created) await fsyncPath(parent);
  const missing = [];
  for (const name of intent.files) {
    const from = join(staging, name);
    if (await exists(from)) await rename(from, join(folder, name));
    else if (!(await exists(join(folder, name)))) missing.push(name);
    if (name === intent.files[0]) faultPoint("files:mid-publish");
  }
  if (missing.length > 0) {
    // Take this run's files back out: the state stays where it was, so the next run reads them again.
    for (const name of intent.files) await rm(join(folder, name), { force: true });
    await fsyncPath(folder);
    await abandon(book, parent);
    throw new Error(
      `staged files of run ${intent.runId} are gone (${missing.join(", ")}); the run was taken back`,
    );
  }
  await fsyncPath(folder);
}

async function holdsAll(folder: string, files: readonly string[]): Promise<boolean> {
  const present = new Set(await readdir(folder).catch(() => [] as string[]));
  return files.every((f) => present.has(f));
}

async function abandon(book: string, parent: string): Promise<void> {
  await fsyncPath(parent);
  await unlink(join(book, INTENT)).catch(() => undefined);
  await fsyncPath(book);
}

/**
 * Finishes a publish a crashed run had committed, then removes every leftover staging and trash.
 * Returns the entries kept as `applyIntent` does.
 */
export async function rollForward(book: string, folder: string): Promise<string[]> {
  const intent = await readIntent(book);
  const kept = intent ? await applyIntent(book, folder, intent) : [];
  for (const entry of await readdir(book).catch(() => [] as string[])) {
    if (entry.startsWith("staging-") || entry.startsWith("trash-") || entry.endsWith(".tmp"))
      await rm(join(book, entry), { recursive: true, force: true });
  }
  return kept;
}

/** Creates `path` (and its parents) durably: each new folder's entry is fsynced in its parent. */
export async function ensureDir(path: string): Promise<void> {
  const first = await mkdir(path, { recursive: true });
  if (first === undefined) return;
  for (let dir = path; dir.length >= first.length; dir = dirname(dir)) {
    await fsyncPath(dirname(dir)).catch(() => undefined);
    if (dir === first) break;
  }
}
