import type { Logger } from "../../contracts/common.js";
import type { Storage } from "../../contracts/storage.js";
import { HyggeError, isHyggeError } from "../../errors.js";
import { faultPoint } from "../../fault.js";
import {
  type CommitRecord,
  commitKey,
  commitSeqs,
  deletePrefix,
  encode,
  readRecord,
  readState,
  type StoredState,
  stagingPrefix,
  stateKey,
} from "./records.js";

/**
 * Copies and deletes in flight at once: on a service each call is a round trip (tens of ms), and
 * the full_drop window (old and new side by side) lasts as long as the copies and deletes take.
 */
export const PARALLEL = 8;

/** Runs `fn` over `items`, at most `limit` at a time; rejects with the first failure once all settle. */
async function forEach<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length && errors.length === 0) {
      const item = items[next++]!;
      await fn(item).catch((error) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

/** Commit records kept after they are applied (older ones are deleted once state.json is written). */
export const KEEP_RECORDS = 5;

export interface Place {
  storage: Storage;
  folder: string;
  book: string;
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * Applies a commit record; safe to run again after a crash at any step, and by two processes at
 * once (every step converges on the same objects):
 * 1. copy each staged object to its name in the folder (server-side; each appears whole);
 * 2. delete the names the record replaces (a full_drop's old files), only once every new one is in;
 * 3. write state.json (the record is applied);
 * 4. delete the staging objects, then commit records older than the last few.
 */
export async function applyRecord(p: Place, record: CommitRecord, previous: StoredState | undefined) {
  const staging = stagingPrefix(p.book, record.runId);
  const lost: string[] = [];
  let copied = 0;
  await forEach(record.files, PARALLEL, async (name) => {
    try {
      await p.storage.copy(staging + name, p.folder + name, p.signal);
    } catch (error) {
      // A missing source is fine if the copy was made (a crashed run, or another process applying
      // the same record, deleted staging after it); any other failure is a real one.
      if (await p.storage.stat(staging + name, p.signal)) throw error;
      if (!(await p.storage.stat(p.folder + name, p.signal))) lost.push(name);
    }
    if (++copied === 1) faultPoint("files:object:mid-copy");
  });
  if (lost.length > 0) return takeBack(p, record, previous, lost);
  // Only once every new object is in: a reader sees old-and-new, never half of the new set alone.
  const added = new Set(record.files);
  const replaced = record.delete.filter((name) => !added.has(name));
  await forEach(replaced, PARALLEL, (name) => p.storage.delete(p.folder + name, p.signal));
  faultPoint("files:object:before-state");
  const state: StoredState = {
    version: 1,
    seq: record.seq,
    state: record.state,
    nextSeq: record.nextSeq,
    published: record.published,
  };
  await p.storage.write(stateKey(p.book), encode(state), p.signal);
  await deletePrefix(p.storage, staging, p.signal);
  for (const seq of await commitSeqs(p.storage, p.book, p.signal))
    if (seq <= record.seq - KEEP_RECORDS) await p.storage.delete(commitKey(p.book, seq), p.signal);
}

/**
 * Staged objects of a committed run are gone (deleted by hand, or by a concurrent run's cleanup):
 * the run cannot be published. Nothing was deleted yet (deletes follow the last copy), so taking
 * it back means removing the copies it made and recording the previous state under its seq, so
 * that no later open() tries again. The run's rows are read again by the next run.
 */
async function takeBack(p: Place, record: CommitRecord, previous: StoredState | undefined, lost: string[]) {
  const before = new Set(previous?.published ?? []);
  for (const name of record.files) if (!before.has(name)) await p.storage.delete(p.folder + name, p.signal);
  const state: StoredState = {
    version: 1,
    seq: record.seq,
    state: previous?.state,
    nextSeq: Math.max(previous?.nextSeq ?? 1, record.nextSeq),
    published: previous?.published ?? [],
    abandoned: record.runId,
  };
  await p.storage.write(stateKey(p.book), encode(state), p.signal);
  await deletePrefix(p.storage, stagingPrefix(p.book, record.runId), p.signal);
  throw new HyggeError(
    "STORE_COMMIT_FAILED",
    `the staged objects of run ${record.runId} are gone (${lost.slice(0, 5).join(", ")}${lost.length > 5 ? ", …" : ""}); the run was taken back and ${p.storage.url(p.folder)} holds the previous data`,
    {
      subject: p.storage.url(p.folder),
      hint: "run again; do not delete objects under hygge's bookkeeping (.hygge/) while a run of this entity is going",
      details: { takenBack: record.runId },
    },
  );
}

/**
 * Finishes the newest commit record if state.json has not applied it yet (a run that died after
 * its commit point). Returns the applied state and the newest seq.
 */
export async function rollForward(p: Place): Promise<{ seq: number; stored: StoredState | undefined }> {
  const newest = (await commitSeqs(p.storage, p.book, p.signal)).at(-1) ?? 0;
  const stored = await readState(p.storage, p.book, p.signal);
  if (newest > (stored?.seq ?? 0)) {
    const record = await readRecord(p.storage, p.book, newest, p.signal);
    if (!record)
      throw new HyggeError(
        "STORE_COMMIT_FAILED",
        `commit record ${newest} vanished while it was being read`,
        {
          subject: p.storage.url(p.book),
          transient: true,
        },
      );
    try {
      await applyRecord(p, record, stored);
    } catch (error) {
      // Taken back: the destination holds the previous data again, consistent with state.json.
      if (!isHyggeError(error) || !(error.details as { takenBack?: string })?.takenBack) throw error;
      p.logger?.warn(error.message);
    }
    return { seq: newest, stored: await readState(p.storage, p.book, p.signal) };
  }
  return { seq: Math.max(newest, stored?.seq ?? 0), stored };
}
