import type { RunType } from "../../contracts/common.js";
import type { Storage } from "../../contracts/storage.js";
import type { CommitState } from "../../contracts/store.js";
import { HyggeError } from "../../errors.js";

/**
 * hygge's bookkeeping for one entity on object storage, all under `book` (`<parent>/.hygge/<entity>/`),
 * never under the published folder:
 *
 * - `staging-<run>/<name>`  the run's files, uploaded while it runs
 * - `commits/<seq>.json`    one commit record per run, created only if absent: THE commit point
 * - `state.json`            the last applied commit: its seq, state, next file sequence and the
 *                           names hygge published in the folder
 */
export interface CommitRecord {
  version: 1;
  seq: number;
  runId: string;
  runType: RunType;
  /** The run's staged objects (names, in order), under `staging-<runId>/`. */
  files: string[];
  /** The names hygge has published in the folder once this record is applied. */
  published: string[];
  /** Names in the folder this record deletes once its files are copied in. */
  delete: string[];
  state: CommitState;
  nextSeq: number;
}

export interface StoredState {
  version: 1;
  /** The commit record this state applied (0: none yet). */
  seq: number;
  state?: CommitState;
  nextSeq: number;
  published: string[];
  /** A commit record whose staged objects were gone: it was taken back, this state is the one before it. */
  abandoned?: string;
}

const SEQ_DIGITS = 10;
const RECORD = /^(\d+)\.json$/;

export const commitsPrefix = (book: string) => `${book}commits/`;
export const commitKey = (book: string, seq: number) =>
  `${commitsPrefix(book)}${String(seq).padStart(SEQ_DIGITS, "0")}.json`;
export const stateKey = (book: string) => `${book}state.json`;
export const stagingPrefix = (book: string, runId: string) => `${book}staging-${runId}/`;

export const encode = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/** The commit records' sequence numbers, ascending. */
export async function commitSeqs(storage: Storage, book: string, signal?: AbortSignal): Promise<number[]> {
  const prefix = commitsPrefix(book);
  const seqs: number[] = [];
  for await (const o of storage.list(prefix, signal)) {
    const m = RECORD.exec(o.path.slice(prefix.length));
    if (m) seqs.push(Number(m[1]));
  }
  return seqs.sort((a, b) => a - b);
}

export async function readJson<T>(
  storage: Storage,
  key: string,
  signal?: AbortSignal,
): Promise<T | undefined> {
  if (!(await storage.stat(key, signal))) return undefined;
  const bytes = await storage.read(key, undefined, signal);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new HyggeError(
      "STORE_COMMIT_FAILED",
      `${storage.url(key)} is unreadable: ${(error as Error).message}`,
      {
        subject: storage.url(key),
        cause: error,
        hint: "hygge writes this object whole; delete it only if you know the outcome of the last run",
      },
    );
  }
}

export const readState = (storage: Storage, book: string, signal?: AbortSignal) =>
  readJson<StoredState>(storage, stateKey(book), signal);
export const readRecord = (storage: Storage, book: string, seq: number, signal?: AbortSignal) =>
  readJson<CommitRecord>(storage, commitKey(book, seq), signal);

/** Deletes every object under `prefix` (a prefix inside the book). */
export async function deletePrefix(storage: Storage, prefix: string, signal?: AbortSignal): Promise<void> {
  const keys: string[] = [];
  for await (const o of storage.list(prefix, signal)) keys.push(o.path);
  for (const key of keys) await storage.delete(key, signal);
}

/** The names (keys relative to `folder`) of every object under `folder`. */
export async function namesIn(storage: Storage, folder: string, signal?: AbortSignal): Promise<string[]> {
  const names: string[] = [];
  for await (const o of storage.list(folder, signal)) names.push(o.path.slice(folder.length));
  return names.sort(byBytes);
}

export function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
