import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "@jest/globals";
import { copyFlow, readWithHygge, tableText, tempProject } from "./engine-helpers.js";

const child = fileURLToPath(new URL("./engine-child.ts", import.meta.url));

/** A staging file DuckDB has started writing: `out/.hygge/t/staging-*` holding a non-empty file. */
async function stagingFile(dir: string): Promise<string | undefined> {
  const book = join(dir, "out/.hygge/t");
  const entries = await readdir(book).catch(() => [] as string[]);
  for (const e of entries.filter((n) => n.startsWith("staging-"))) {
    for (const f of await readdir(join(book, e)).catch(() => [] as string[])) {
      const size = (await stat(join(book, e, f)).catch(() => undefined))?.size ?? 0;
      if (size > 0) return join(book, e, f);
    }
  }
  return undefined;
}

/** Runs the child and SIGKILLs it as soon as DuckDB's staging file has bytes; resolves with that file. */
function killWhileWriting(dir: string, runType: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", child, dir, runType], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let seen: string | undefined;
    const poll = setInterval(async () => {
      seen ??= await stagingFile(dir);
      if (seen) p.kill("SIGKILL");
    }, 5);
    p.on("error", reject);
    p.on("exit", () => {
      clearInterval(poll);
      resolve(seen);
    });
  });
}

async function generate(path: string, rows: number, from = 0): Promise<void> {
  const c = await (await DuckDBInstance.create(":memory:")).connect();
  await c.run(
    `COPY (SELECT (${from} + i)::BIGINT AS id, 'row-' || (${from} + i) AS payload, (i * 0.5)::DOUBLE AS x FROM range(${rows}) t(i)) TO '${path}' (FORMAT parquet)`,
  );
}

describe("engine: duckdb under SIGKILL", () => {
  for (const runType of ["full_drop", "incremental"] as const) {
    it(`${runType}: a kill while DuckDB writes into staging leaves the destination as it was; the next run repairs and copies`, async () => {
      const dir = await tempProject();
      await import("node:fs/promises").then((fs) => fs.mkdir(join(dir, "in/t"), { recursive: true }));
      await generate(join(dir, "in/t/a.parquet"), 1000);
      const first = await copyFlow(dir, {}, { runType });
      expect(first.engine).toEqual({ type: "duckdb", ran: true });
      const before = tableText(await readWithHygge(join(dir, "out/t")));
      const published = await readdir(join(dir, "out/t"));
      await generate(join(dir, "in/t/b.parquet"), 3_000_000, 1000);
      const killedAt = await killWhileWriting(dir, runType);
      expect(killedAt).toBeDefined();
      // Readers see exactly what the first run published: no partial file, no staging.
      expect(await readdir(join(dir, "out/t"))).toEqual(published);
      expect(tableText(await readWithHygge(join(dir, "out/t")))).toEqual(before);
      const next = await copyFlow(dir, {}, { runType });
      expect(next.engine).toEqual({ type: "duckdb", ran: true });
      const after = await readWithHygge(join(dir, "out/t"));
      const n = after.reduce((sum, b) => sum + b.numRows, 0);
      // full_drop: the two source files; incremental: the first run's rows again plus both files.
      expect(n).toBe(runType === "full_drop" ? 3_001_000 : 3_002_000);
      const stagingLeft = (await readdir(join(dir, "out/.hygge/t"))).filter((e) => e.startsWith("staging-"));
      expect(stagingLeft).toEqual([]);
    }, 120_000);
  }
});
