import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "@jest/globals";

const run = promisify(execFile);
const here = fileURLToPath(new URL("..", import.meta.url));
const q = (p: string) => `'${p.replace(/'/g, "''")}'`;
let dir = "";

afterAll(() => rm(dir, { recursive: true, force: true }));

describe("examples/copy-parquet.ts", () => {
  it("copies a folder of parquet files exactly (checked by DuckDB)", async () => {
    dir = await mkdtemp(join(tmpdir(), "hygge-example-"));
    const from = join(dir, "from");
    await mkdir(from);
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`COPY (SELECT i AS id, 'name ' || i AS name, i / 3 AS ratio, TIMESTAMP_NS '2024-01-01' + INTERVAL (i) MINUTE AS at
      FROM range(5000) r(i) WHERE i < 3000) TO ${q(join(from, "a.parquet"))} (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    await c.run(`COPY (SELECT i AS id, 'name ' || i AS name, i / 3 AS ratio, TIMESTAMP_NS '2024-01-01' + INTERVAL (i) MINUTE AS at
      FROM range(3000, 5000) r(i)) TO ${q(join(from, "b.parquet"))} (FORMAT parquet)`);
    const to = join(dir, "to");
    const tsx = join(here, "node_modules", ".bin", "tsx");
    const { stdout } = await run(tsx, [join(here, "copy-parquet.ts"), from, to], { cwd: here });
    expect(stdout).toContain("pass: 5000 rows");
    expect(await readdir(to)).toEqual([".hygge", "from"]);
    expect((await readdir(join(to, "from"))).every((f) => f.endsWith(".parquet"))).toBe(true);
    const a = `SELECT * FROM read_parquet(${q(join(from, "*.parquet"))})`;
    const b = `SELECT * FROM read_parquet(${q(join(to, "from", "*.parquet"))})`;
    for (const query of [`${a} EXCEPT ALL ${b}`, `${b} EXCEPT ALL ${a}`]) {
      expect((await c.runAndReadAll(query)).getRows()).toEqual([]);
    }
    const count = await c.runAndReadAll(`SELECT count(*)::INT FROM (${b})`);
    expect(count.getRows()).toEqual([[5000]]);
    c.closeSync();
  });
});
