import { readdirSync } from "node:fs";

/**
 * The file descriptors this process has open (Linux: `/proc/self/fd`), or undefined where that
 * cannot be read: a ready `inspect.openHandles` for stores that hold files (a reader or writer
 * left open shows as one more descriptor after close()).
 */
export function openFileDescriptors(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}
