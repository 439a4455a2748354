import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunType } from "../src/contracts/common.js";
import { silentLogger } from "../src/contracts/common.js";
import type { Storage } from "../src/contracts/storage.js";
import type { CommitState } from "../src/contracts/store.js";
import { LocalStorage } from "../src/files/local-storage.js";
import { fileNamer } from "../src/files/naming.js";
import { createObjectPublisher } from "../src/files/object/index.js";
import type { Publisher } from "../src/files/publisher.js";

/** Called before and after each mutating call on the storage (`copy`, `delete`, `write`, `createIfAbsent`). */
export type Hook = (op: string, path: string, phase: "before" | "after") => Promise<void> | void;

/**
 * The local disk seen as an object store: `capabilities.local` is false and `localPath`/`rename`
 * are hidden, so the publisher can only use the Storage contract. Real storage, no mock.
 */
export function objectView(inner: Storage = new LocalStorage(), hook?: Hook): Storage {
  const around = async <T>(op: string, path: string, call: () => Promise<T>): Promise<T> => {
    await hook?.(op, path, "before");
    const result = await call();
    await hook?.(op, path, "after");
    return result;
  };
  return {
    type: "object-view",
    capabilities: { local: false, atomicRename: false, conditionalCreate: "enforced" },
    url: (path) => `obj://${path}`,
    list: (prefix, signal) => inner.list(prefix, signal),
    stat: (path, signal) => inner.stat(path, signal),
    read: (path, range, signal) => inner.read(path, range, signal),
    stream: (path, signal) => inner.stream(path, signal),
    write: (path, body, signal) => around("write", path, () => inner.write(path, body, signal)),
    createIfAbsent: (path, body, signal) =>
      around("createIfAbsent", path, () => inner.createIfAbsent(path, body, signal)),
    delete: (path, signal) => around("delete", path, () => inner.delete(path, signal)),
    copy: (from, to, signal) => around("copy", to, () => inner.copy(from, to, signal)),
  };
}

/** A fresh `<root>/` key prefix: the entity's folder is `<root>lake/users/`, its book `<root>lake/.hygge/users/`. */
export async function freshRoot(): Promise<string> {
  return `${(await mkdtemp(join(tmpdir(), "hygge-objpub-"))).slice(1)}/`;
}

export const where = (root: string) => ({ folder: `${root}lake/users/`, book: `${root}lake/.hygge/users/` });

export function publisher(
  storage: Storage,
  root: string,
  tempDir?: string,
  staleAfterMs?: number,
): Publisher {
  const target = { storage, ...where(root), entity: "users", logger: silentLogger };
  return createObjectPublisher(target, { tempDir, staleAfterMs });
}

export interface RunSpec {
  runId: string;
  runType: RunType;
  /** Contents of the run's files, one string per file. */
  contents: string[];
  replaceExisting?: boolean;
  /** Stop after staging (no commit). */
  noCommit?: boolean;
}

export const PATTERN = "part-{seq}.csv";

/** Drives one run through the publisher as the file store does: open, write, stage, commit. */
export async function runOn(p: Publisher, spec: RunSpec): Promise<{ files: string[]; state: CommitState }> {
  const signal = new AbortController().signal;
  const name = fileNamer(PATTERN, "users", spec.runId);
  let { nextSeq } = await p.open({
    runId: spec.runId,
    runType: spec.runType,
    name,
    replaceExisting: spec.replaceExisting ?? false,
    signal,
  });
  const files: string[] = [];
  for (const text of spec.contents) {
    const file = name(nextSeq++);
    await writeFile(p.localPathFor(file), text);
    await p.staged(file, signal);
    files.push(file);
  }
  const state: CommitState = {
    runId: spec.runId,
    runType: spec.runType,
    flow: "f",
    entity: "users",
    committedAt: new Date(0).toISOString(),
    watermark: { column: "id", kind: "integer", value: String(files.length) },
  };
  if (!spec.noCommit) await p.commit(state, files, nextSeq);
  return { files, state };
}

/** Every object under `prefix`: relative key → text. */
export async function contentsOf(storage: Storage, prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const o of storage.list(prefix))
    out[o.path.slice(prefix.length)] = await readFile(`/${o.path}`, "utf8");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export async function keysUnder(storage: Storage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of storage.list(prefix)) keys.push(o.path.slice(prefix.length));
  return keys.sort();
}
