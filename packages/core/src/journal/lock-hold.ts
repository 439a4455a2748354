import { rm, utimes } from "node:fs/promises";
import { type HeldLock, heldHere, type LockInfo, readInfo } from "./lock-info.js";

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
  const beat = async () => {
    if (beating || released) return;
    beating = true;
    try {
      const current = await readInfo(file);
      if (released) return;
      if (current?.token !== token) {
        markLost(current ? `taken over by pid ${current.pid} on ${current.host}` : `${file} was removed`);
        return;
      }
      const now = new Date();
      await utimes(file, now, now);
    } catch (error) {
      markLost(`${file}: ${(error as Error).message}`);
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
