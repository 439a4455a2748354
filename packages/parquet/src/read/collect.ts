import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const gc = (() => {
  try {
    setFlagsFromString("--expose-gc");
    const f = runInNewContext("gc") as unknown;
    return typeof f === "function" ? (f as () => void) : undefined;
  } catch {
    return undefined;
  }
})();

/** Buffers a worker may leave for V8's own collections; above it, one full collection frees them. */
const LIMIT = 64 << 20;

/**
 * For a worker thread between row groups. A row group leaves tens of megabytes of buffers behind
 * (pages, decoded values) that V8 frees only at a major collection, which a small heap reaches
 * late: several row groups' worth then add up. A full collection when they pass 64 MB keeps peak
 * memory flat; it costs tens of milliseconds, so it runs only then, not after every row group.
 */
export function collectGarbage(): void {
  if (gc && process.memoryUsage().arrayBuffers > LIMIT) gc();
}
