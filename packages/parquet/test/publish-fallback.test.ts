import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmdirSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HyggeError, isHyggeError, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { childRun, dist } from "./child-run.js";
import { fingerprint, makeStore, q, sql, tempDir } from "./helpers.js";

const idsOf = async (folder: string) =>
  (
    await sql(
      `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d, min(id)::INT AS lo, max(id)::INT AS hi FROM read_parquet(${q(join(folder, "*.parquet"))})`,
    )
  )[0];

const root = process.getuid?.() === 0;

/** Whether this process may mount a tmpfs (root in most containers; not everywhere). */
function mayMount(): boolean {
  if (!root) return false;
  const probe = mkdtempSync(join(tmpdir(), "hygge-mount-probe-"));
  const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status === 0;
  if (ok) spawnSync("umount", [probe]);
  rmdirSync(probe);
  return ok;
}

describe("where a publish cannot be one rename", () => {
  // Needs root (to run the store as `nobody`) and the build (child processes run dist).
  (root && existsSync(dist) ? it : it.skip)(
    "an entry the user may not hard-link makes an incremental publish rename file by file, and says so",
    async () => {
      const dir = await tempDir("no-links");
      execFileSync("chown", ["nobody:nogroup", dir]);
      const first = await childRun(dir, { count: 1000, incremental: true, asNobody: true });
      expect(first.output).toContain("done");
      // A root-owned, read-only file: the kernel (protected_hardlinks) refuses nobody a link to it.
      const folder = join(dir, "out", "orders");
      await writeFile(join(folder, "notes.txt"), "root's");
      const second = await childRun(dir, { count: 2000, incremental: true, asNobody: true });
      expect(second.output).toContain("done");
      expect(second.output).toMatch(
        /warn: .*orders: its entries cannot be hard-linked \(EPERM\); the 4 new files are renamed in one at a time/,
      );
      expect(await idsOf(folder)).toEqual({ n: 2000, d: 2000, lo: 0, hi: 1999 });
      expect(await readFile(join(folder, "notes.txt"), "utf8")).toBe("root's");
      expect((await stat(join(folder, "notes.txt"))).uid).toBe(0);
      expect(await readdir(join(dir, "out", ".hygge", "orders"))).toEqual(["state.json"]);
      // Without the root-owned file, nobody's next run links its own files and swaps the folder.
      await rm(join(folder, "notes.txt"));
      const third = await childRun(dir, { count: 3000, incremental: true, asNobody: true });
      expect(third.output).toContain("done");
      expect(third.output).not.toContain("warn:");
      expect(await idsOf(folder)).toEqual({ n: 3000, d: 3000, lo: 0, hi: 2999 });
    },
  );

  // Skipped where this process may not mount a tmpfs.
  (mayMount() ? it : it.skip)(
    "an entity folder that is a mount point is refused before anything is written",
    async () => {
      const dir = await tempDir("mount");
      const folder = join(dir, "out", "orders");
      await mkdir(folder, { recursive: true });
      expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", folder]).status).toBe(0);
      try {
        await writeFile(join(folder, "theirs.parquet"), "x");
        const before = await fingerprint(dir);
        for (const runType of ["full_drop", "incremental"] as const) {
          const error = (await runFlow({
            flow: "f",
            entity: "orders",
            runType,
            home: memoryHome(sequenceBatches(10, 5)),
            store: makeStore(dir, "orders", { path: "out", replace_existing: true }),
            ...(runType === "incremental" ? { watermark: { column: "id", primaryKey: ["id"] } } : {}),
          }).catch((e: unknown) => e)) as HyggeError;
          expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
          expect(error.message).toContain(`${folder} is a mount point`);
          expect(error.hint).toContain("inside the mounted file system");
        }
        expect(await fingerprint(dir)).toBe(before);
        expect(existsSync(join(dir, "out", ".hygge"))).toBe(false);
      } finally {
        spawnSync("umount", [folder]);
        await rm(folder, { recursive: true, force: true });
      }
    },
  );
});
