import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full garbage collection, for a worker thread between row groups. A row group leaves tens of
 * megabytes of buffers behind (pages, decoded values) that V8 only frees at a major collection,
 * which its small heap would not reach for several row groups: collecting after each one keeps
 * peak memory flat, at a few milliseconds per row group. Undefined where gc cannot be exposed.
 */
export const collect: (() => void) | undefined = (() => {
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
})();
