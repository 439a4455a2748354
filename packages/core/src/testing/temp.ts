import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const created = new Set<string>();
let hooked = false;

/**
 * A new empty folder under the OS temp folder, removed when the tests that can use it are done:
 * the first call registers an `afterAll` in the block it is called from (call it at the top of the
 * test file, or in the `describe` that uses the folders), and process exit removes the rest. Only
 * folders made here are removed; set `HYGGE_KEEP_TEMP=1` to keep them (their paths are printed).
 */
export function tempDir(label = "plugin"): string {
  const dir = mkdtempSync(join(tmpdir(), `hygge-${label.replace(/[^\w.-]/g, "_")}-`));
  created.add(dir);
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      if (keep()) return;
      for (const d of created) rmSync(d, { recursive: true, force: true });
    });
    const g = globalThis as {
      afterAll?: (fn: () => Promise<void>) => void;
      expect?: { getState?: () => { currentTestName?: string } };
    };
    // Inside a test jest refuses hooks (and fails the test): process exit removes the folders then.
    if (g.expect?.getState?.().currentTestName === undefined) g.afterAll?.(cleanupTempDirs);
  }
  return dir;
}

const keep = () => process.env.HYGGE_KEEP_TEMP === "1";

/** Removes every folder `tempDir()` made so far (registered as an `afterAll` by the first call). */
export async function cleanupTempDirs(): Promise<void> {
  if (keep()) {
    if (created.size > 0) process.stderr.write(`HYGGE_KEEP_TEMP=1: kept ${[...created].join(", ")}\n`);
    return;
  }
  const dirs = [...created];
  created.clear();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}
