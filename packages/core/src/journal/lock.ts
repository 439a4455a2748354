import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HyggeError } from "../errors.js";

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface ProjectLock {
  release(): Promise<void>;
}

/**
 * A project-wide lock file (`<dir>/lock`). A second holder is refused with a message naming the
 * first; a lock whose process is gone (same host) is stale and taken over.
 */
export async function acquireLock(dir: string, command?: string): Promise<ProjectLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, "lock");
  const mine: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command,
  };
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const handle = await open(file, "wx");
      try {
        await handle.writeFile(JSON.stringify(mine));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return {
        async release() {
          const current = await readLock(file);
          if (current?.pid === mine.pid && current.startedAt === mine.startedAt)
            await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readLock(file);
    if (holder && (holder.host !== mine.host || alive(holder.pid))) {
      throw new HyggeError(
        "LOCKED",
        `another hygge run holds this project (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}${
          holder.command ? `: ${holder.command}` : ""
        })`,
        { subject: file, hint: `Wait for it to finish. If that process is gone, delete ${file}.` },
      );
    }
    if (!holder && (await ageMs(file)) < 5000) {
      // Another process is between creating the lock and writing it: give it a moment.
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    // Stale (holder died) or long-unreadable lock. Only one process at a time may clear it, and it
    // checks again under that right: otherwise a lock freshly taken by a third process could be
    // moved aside by a slower one that saw the dead holder a moment before.
    await takeOver(file, holder);
  }
  throw new HyggeError("LOCKED", `could not take the project lock ${file}`, { subject: file });
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

async function ageMs(file: string): Promise<number> {
  try {
    return Date.now() - (await stat(file)).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

const sameHolder = (a: LockInfo | undefined, b: LockInfo | undefined) =>
  a === b ||
  (a !== undefined && b !== undefined && a.pid === b.pid && a.startedAt === b.startedAt && a.host === b.host);

async function takeOver(file: string, stale: LockInfo | undefined): Promise<void> {
  const guard = `${file}.takeover`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(guard, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Someone else is clearing it; a guard left by a process that died in this tiny window expires.
    if ((await ageMs(guard)) > 5000) await rm(guard, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 50));
    return;
  }
  try {
    const current = await readLock(file);
    if (sameHolder(current, stale)) {
      const aside = `${file}.stale-${process.pid}-${Date.now()}`;
      await rename(file, aside).catch(() => undefined);
      await rm(aside, { force: true });
    }
  } finally {
    await handle.close();
    await rm(guard, { force: true });
  }
}
