import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CommitState, RunType } from "@hygge/core";
import { faultPoint } from "@hygge/core";

/**
 * The publish protocol (README "How the store publishes"). Bookkeeping lives in `book`
 * (`<parent>/.hygge/<entity>/`), never inside the published `folder`.
 *
 * - `staging-<run>/`   files being written by run <run>, already under their final names
 * - `publish.json`     the intent: written atomically once staging is durable; THE commit point
 * - `trash-<run>/`     the previous data of a full_drop, deleted once the intent is applied
 * - `state.json`       the committed state (run id, watermark) and the next file sequence
 *
 * Applying an intent is idempotent, so a run that dies anywhere after the commit point is
 * finished by the next run of the entity (`rollForward`) before it does anything else.
 */
export interface Intent {
  version: 1;
  runId: string;
  runType: RunType;
  staging: string;
  files: string[];
  state: CommitState;
  nextSeq: number;
}

export interface StoredState {
  version: 1;
  state: CommitState;
  nextSeq: number;
}

const INTENT = "publish.json";
const STATE = "state.json";

export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

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

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

export async function commitIntent(book: string, intent: Intent): Promise<void> {
  await writeJsonAtomic(book, INTENT, intent);
}

/** Applies an intent; safe to run again after a crash at any point. */
export async function applyIntent(book: string, folder: string, intent: Intent): Promise<void> {
  const staging = join(book, intent.staging);
  const trash = join(book, `trash-${intent.runId}`);
  const parent = join(folder, "..");
  if (intent.runType === "full_drop") {
    if (await exists(staging)) {
      if ((await exists(folder)) && !(await exists(trash))) await rename(folder, trash);
      faultPoint("parquet:mid-publish");
      await rename(staging, folder);
      await fsyncPath(parent);
      await fsyncPath(book);
    } else if (!(await exists(folder)) || !(await holdsAll(folder, intent.files))) {
      // Neither the new data nor a published folder: the staged files were lost (deleted by hand,
      // a disk error). Put the previous data back and give up on this intent: the committed state
      // stays the previous one, consistent with that data.
      if ((await exists(trash)) && !(await exists(folder))) await rename(trash, folder);
      await abandon(book, parent);
      throw new Error(`the staged files of run ${intent.runId} are gone; the previous data was put back`);
    }
  } else {
    const created = !(await exists(folder));
    await mkdir(folder, { recursive: true });
    if (created) await fsyncPath(parent);
    const missing = [];
    for (const name of intent.files) {
      const from = join(staging, name);
      if (await exists(from)) await rename(from, join(folder, name));
      else if (!(await exists(join(folder, name)))) missing.push(name);
      if (name === intent.files[0]) faultPoint("parquet:mid-publish");
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
  faultPoint("parquet:before-state");
  await writeJsonAtomic(book, STATE, {
    version: 1,
    state: intent.state,
    nextSeq: intent.nextSeq,
  } satisfies StoredState);
  await unlink(join(book, INTENT)).catch(() => undefined);
  await fsyncPath(book);
  await rm(trash, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
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

/** Finishes a publish a crashed run had committed, then removes every leftover staging and trash. */
export async function rollForward(book: string, folder: string): Promise<void> {
  const intent = await readIntent(book);
  if (intent) await applyIntent(book, folder, intent);
  for (const entry of await readdir(book).catch(() => [] as string[])) {
    if (entry.startsWith("staging-") || entry.startsWith("trash-") || entry.endsWith(".tmp"))
      await rm(join(book, entry), { recursive: true, force: true });
  }
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
