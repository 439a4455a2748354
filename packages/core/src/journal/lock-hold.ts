import { readFile, rm, utimes } from "node:fs/promises";
import { type HeldLock, heldHere, type LockInfo, readInfo } from "./lock-info.js";

/** Heartbeats that may fail in a row (not a removal, not another token) before the lock counts as lost. */
const TRANSIENT_BEATS = 3;

/** The held lock: heartbeat until released; the timer never keeps the process alive. */
export function hold(
  file: string,
  mine: LockInfo,
  heartbeatMs: number,
  onLost?: (reason: string) => void,
): HeldLock {
  const token = mine.token!;
  heldHere.add(token);
  let released = false;
  let lost = false;
  let beating = false;
  const markLost = (reason: string) => {
    if (released || lost) return;
    lost = true;
    clearInterval(timer);
    heldHere.delete(token);
    try {
      onLost?.(reason);
    } catch {
      // A broken callback must not turn into an unhandled rejection in a timer.
    }
  };
  // One failed read or touch (EIO, ESTALE on NFS, a file being rewritten) is not a lost lock: only
  // a removed file, another token, or failures in a row for half the stale time.
  let failures = 0;
  const failed = (error: unknown) => {
    if (++failures >= TRANSIENT_BEATS) markLost(`${file}: ${(error as Error).message}`);
  };
  const removed = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";
  const beat = async () => {
    if (beating || released) return;
    beating = true;
    try {
      let current: LockInfo | undefined;
      try {
        current = JSON.parse(await readFile(file, "utf8")) as LockInfo;
      } catch (error) {
        if (removed(error)) markLost(`${file} was removed`);
        else failed(error);
        return;
      }
      if (released) return;
      if (current?.token !== token) {
        markLost(`taken over by pid ${current?.pid} on ${current?.host}`);
        return;
      }
      const now = new Date();
      try {
        await utimes(file, now, now);
        failures = 0;
      } catch (error) {
        if (removed(error)) markLost(`${file} was removed`);
        else failed(error);
      }
    } finally {
      beating = false;
    }
  };
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();
  return {
    file,
    get lost() {
      return lost;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      heldHere.delete(token);
      const current = await readInfo(file);
      if (current?.token === token) await rm(file, { force: true });
    },
  };
}
