import { readFile, stat } from "node:fs/promises";
import type { ProcessIdentity } from "./process-identity.js";

/** What a lock file holds: who, since when, for what, and how often it proves it is alive. */
export interface LockInfo extends ProcessIdentity {
  startedAt: string;
  command?: string;
  /** Unique per acquisition: a lock is ours only if it carries our token. */
  token?: string;
  /** The holder touches the file's mtime this often, and is stale once the mtime is staleMs old. */
  heartbeatMs?: number;
  staleMs?: number;
}

export interface HeldLock {
  readonly file: string;
  /** True once the lock file was found removed or taken by another process. */
  readonly lost: boolean;
  release(): Promise<void>;
}
/** Tokens of the locks this process holds (a holder with our own pid is alive only if listed here). */
export const heldHere = new Set<string>();

export async function readInfo(file: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(file, "utf8")) as LockInfo;
    return info && typeof info === "object" && typeof info.pid === "number" ? info : undefined;
  } catch {
    return undefined;
  }
}

export async function ageOf(file: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}
