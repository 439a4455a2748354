import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { hashTree, hygge } from "./helpers.js";

// `hygge copy` between local file sets, with the data checked by DuckDB (an independent reader).
const work = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-copy-files-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function sql(text: string): Promise<string[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const reader = await con.runAndReadAll(text);
  const rows = reader.getRowObjectsJson().map((r) => JSON.stringify(r));
  con.closeSync();
  return rows;
}

const ROWS = 1000;
/** The rows every test expects, as DuckDB prints them: id, name, amount (decimal), day. */
const EXPECTED_QUERY = (from: string) =>
  `SELECT id, name, amount::VARCHAR AS amount, day::VARCHAR AS day FROM ${from} ORDER BY id`;

beforeAll(async () => {
  fs.mkdirSync(path.join(work, "in", "orders"), { recursive: true });
  // Two files, so the copy reads a folder, not a single file.
  for (const [file, lo, hi] of [
    ["a.parquet", 1, 600],
    ["b.parquet", 601, ROWS],
  ] as const) {
    await sql(
      `COPY (SELECT i::BIGINT AS id, 'name ' || i AS name, (i * 1.25)::DECIMAL(12,2) AS amount, DATE '2024-01-01' + i::INT AS day FROM range(${lo}, ${hi + 1}) t(i)) TO '${path.join(work, "in", "orders", file)}' (FORMAT parquet)`,
    );
  }
});

const copy = (args: string[]) => hygge(["copy", ...args], { cwd: work });

describe("hygge copy: local files", () => {
  test("a Parquet folder to a Parquet folder: every row, exactly; the state keyed by from and to", async () => {
    const r = copy(["in/orders", "out/orders", "--json"]);
    expect(r.code).toBe(0);
    // With --json, progress goes to stderr and stdout is the summary only.
    expect(r.stderr).toContain("copy.orders: done, 1,000 rows");
    const summary = JSON.parse(r.stdout);
    expect(summary.totals).toMatchObject({ rows: ROWS, pass: 1, fail: 0 });
    expect(summary.flows[0]).toMatchObject({ flow: "copy", entity: "orders", status: "pass" });
    const copied = await sql(EXPECTED_QUERY(`read_parquet('${work}/out/orders/*.parquet')`));
    const source = await sql(EXPECTED_QUERY(`read_parquet('${work}/in/orders/*.parquet')`));
    expect(copied).toHaveLength(ROWS);
    expect(copied).toEqual(source);
    // The copy's journal lives in its own folder of --state (default ./.hygge-copy).
    const state = summary.copy.state as string;
    expect(path.dirname(state)).toBe(path.join(work, ".hygge-copy"));
    expect(path.basename(state)).toMatch(/^orders-[0-9a-f]{12}$/);
    expect(JSON.parse(fs.readFileSync(path.join(state, "copy.json"), "utf8"))).toMatchObject({
      entity: "orders",
      copy: "in/orders → out/orders",
    });
    expect(fs.readdirSync(path.join(state, "runs", "copy", "orders"))).toHaveLength(1);
  });

  test("to a CSV folder (--format csv), into a folder named after the source (out/)", async () => {
    const r = copy(["in/orders", "csv-out/", "--format", "csv", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.all).toBe(""); // --quiet: nothing when it passed
    const files = fs.readdirSync(path.join(work, "csv-out", "orders"));
    expect(files.every((f) => f.endsWith(".csv"))).toBe(true);
    const copied = await sql(
      EXPECTED_QUERY(
        `read_csv('${work}/csv-out/orders/*.csv', header = true, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'amount': 'DECIMAL(12,2)', 'day': 'DATE'})`,
      ),
    );
    expect(copied).toEqual(await sql(EXPECTED_QUERY(`read_parquet('${work}/in/orders/*.parquet')`)));
  });

  test("a glob as the source; two copies in one state folder do not share it", () => {
    const glob = copy(["in/orders/*.parquet", "globbed/", "--json"]);
    expect(glob.code).toBe(0);
    expect(JSON.parse(glob.stdout).totals.rows).toBe(ROWS);
    expect(fs.readdirSync(path.join(work, "globbed", "orders")).length).toBeGreaterThan(0);
    const partial = copy(["in/orders/a*.parquet", "partial/", "--json"]);
    expect(JSON.parse(partial.stdout).totals.rows).toBe(600);
    const states = fs.readdirSync(path.join(work, ".hygge-copy")).sort();
    // orders → out, → csv-out, → globbed, → partial: four copies, four folders.
    expect(states.filter((s) => s.startsWith("orders-"))).toHaveLength(4);
  });

  test("into a DuckDB table (duckdb:file?table=), and out of it again as CSV", async () => {
    const r = copy(["in/orders", "duckdb:wh.duckdb?table=raw.orders", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).flows[0]).toMatchObject({ entity: "orders", rows: ROWS });
    const source = await sql(EXPECTED_QUERY(`read_parquet('${work}/in/orders/*.parquet')`));
    const back = copy(["wh.duckdb?table=raw.orders", "from-duck/", "--format", "csv", "-q"]);
    expect(back.code).toBe(0);
    const csv = await sql(
      EXPECTED_QUERY(
        `read_csv('${work}/from-duck/orders/*.csv', header = true, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'amount': 'DECIMAL(12,2)', 'day': 'DATE'})`,
      ),
    );
    expect(csv).toEqual(source);
  });

  test("--dry-run prints the plan and writes nothing (not even the state folder)", () => {
    const before = hashTree(work);
    const r = copy(["in/orders", "dry/orders", "--dry-run", "--state", "dry-state"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("hygge copy: in/orders → dry/orders");
    expect(r.stdout).toMatch(/copy\.orders\s+full_drop\s+parquet .*in\/orders → parquet .*dry\/orders/);
    expect(r.stdout).toContain("copy.orders reads: id int64, name string, amount decimal(12, 2), day date");
    expect(fs.existsSync(path.join(work, "dry"))).toBe(false);
    expect(fs.existsSync(path.join(work, "dry-state"))).toBe(false);
    expect(hashTree(work)).toBe(before);
  });

  test("a second full_drop replaces the destination; --state elsewhere keeps its own journal", async () => {
    const r = copy(["in/orders", "out/orders", "--state", "elsewhere", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.rows).toBe(ROWS);
    expect(await sql(`SELECT count(*)::INT AS n FROM read_parquet('${work}/out/orders/*.parquet')`)).toEqual([
      JSON.stringify({ n: ROWS }),
    ]);
    const [dir] = fs.readdirSync(path.join(work, "elsewhere"));
    expect(dir).toMatch(/^orders-[0-9a-f]{12}$/);
    // Same from and to: the same key as under the default state folder.
    expect(fs.existsSync(path.join(work, ".hygge-copy", dir!))).toBe(true);
  });

  test("a folder hygge did not write is left alone; --replace-existing lets the first copy replace it", async () => {
    const theirs = path.join(work, "theirs", "orders");
    fs.mkdirSync(theirs, { recursive: true });
    fs.writeFileSync(path.join(theirs, "notes.txt"), "not hygge's");
    const before = hashTree(path.join(work, "theirs"));
    const refused = copy(["in/orders", "theirs/orders"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("hygge did not publish (notes.txt)");
    expect(hashTree(path.join(work, "theirs"))).toBe(before);
    const r = copy(["in/orders", "theirs/orders", "--replace-existing", "--json"]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(theirs, "notes.txt"))).toBe(false);
    expect(await sql(`SELECT count(*)::INT AS n FROM read_parquet('${theirs}/*.parquet')`)).toEqual([
      JSON.stringify({ n: ROWS }),
    ]);
  });
});
