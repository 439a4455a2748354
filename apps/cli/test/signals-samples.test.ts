import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hashTree, hygge, hyggeSignal, memoryProject, REPO } from "./helpers.js";

const outside = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-samples-"));
afterAll(() => {
  cleanup();
  fs.rmSync(outside, { recursive: true, force: true });
});

describe("signals", () => {
  const slow = {
    "flows/slow/flow.yml":
      "home:\n  type: memory\n  delay_ms: 5\nstore:\n  type: jsonfile\n  path: out\nentities: [big, products]\n",
    "out/big.json": '["previous data"]',
  };
  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s aborts the run: exit %i, the destination is left as it was", async (signal, code) => {
    const dir = memoryProject(slow);
    const r = await hyggeSignal(["go", "--concurrency", "1"], {
      cwd: dir,
      signal,
      ready: (o) => o.includes("slow.big: started"),
    });
    expect(r.code).toBe(code);
    expect(r.stdout).toContain(`${signal} received: stopping`);
    expect(r.stdout).toMatch(/slow\s+big\s+FAIL/);
    expect(r.stdout).toMatch(/slow\s+products\s+SKIP/);
    expect(fs.readFileSync(path.join(dir, "out/big.json"), "utf8")).toBe('["previous data"]');
    expect(fs.existsSync(path.join(dir, "out/products.json"))).toBe(false);
  });
});

async function count(sql: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const reader = await con.runAndReadAll(sql);
  const value = Number(reader.getRows()[0]![0]);
  con.closeSync();
  return value;
}

describe("samples", () => {
  test("quickstart: a copy outside the repository runs, and DuckDB finds the same rows in out/ as in data/", async () => {
    const dir = path.join(outside, "quickstart");
    fs.cpSync(path.join(REPO, "samples/quickstart"), dir, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}out`),
    });
    const r = hygge(["go", "--json", "--project", dir]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { totals: { rows: number; pass: number } };
    expect(summary.totals).toMatchObject({ rows: 51_200, pass: 3 });
    for (const entity of ["customers", "orders"]) {
      const src = `read_parquet('${dir}/data/${entity}/*.parquet')`;
      const dst = `read_parquet('${dir}/out/${entity}/*.parquet')`;
      expect(await count(`SELECT count(*) FROM ${dst}`)).toBe(await count(`SELECT count(*) FROM ${src}`));
      expect(await count(`SELECT count(*) FROM (SELECT * FROM ${src} EXCEPT ALL SELECT * FROM ${dst})`)).toBe(
        0,
      );
      expect(await count(`SELECT count(*) FROM (SELECT * FROM ${dst} EXCEPT ALL SELECT * FROM ${src})`)).toBe(
        0,
      );
    }
    const products = `read_parquet('${dir}/out/products/*.parquet')`;
    expect(await count(`SELECT count(*) FROM (DESCRIBE SELECT * FROM ${products})`)).toBe(3); // the column subset
    expect(fs.readdirSync(path.join(dir, "out/orders")).filter((f) => f.endsWith(".parquet"))).toHaveLength(
      3,
    ); // max_rows_per_file
  });

  test.each(["mssql-to-parquet", "parquet-to-postgres"])(
    "%s: valid, and --dry-run opens nothing and changes nothing",
    (name) => {
      const dir = path.join(REPO, "samples", name);
      const before = hashTree(dir);
      const r = hygge(["go", "--dry-run", "--project", dir], {
        env: { MSSQL_PASSWORD: "Pa55-word-x", PGPASSWORD: "Pa55-word-y" },
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\d entities would run/);
      expect(r.all).not.toMatch(/Pa55-word/);
      expect(hashTree(dir)).toBe(before);
    },
  );
});
