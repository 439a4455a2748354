import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { hygge } from "./helpers.js";

// `hygge copy` from and to a real PostgreSQL (HYGGE_TEST_POSTGRES_URL, as the other CLI tests).
const base = process.env.HYGGE_TEST_POSTGRES_URL;
const psqlWorks = (url: string) => spawnSync("psql", [url, "-XAtc", "SELECT 1"]).status === 0;
const reachable = Boolean(base) && psqlWorks(base!);
if (!reachable) {
  console.warn(
    `copy-postgres: skipped (${base ? `no PostgreSQL answers at HYGGE_TEST_POSTGRES_URL` : "HYGGE_TEST_POSTGRES_URL is not set"})`,
  );
}
const run = reachable ? describe : describe.skip;

const psql = (sql: string): string => {
  const r = spawnSync("psql", [base!, "-XAtqc", sql], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};

/** The server's URL with a password: the test server trusts local users, so any password logs in. */
function withPassword(): { url: string; password: string } {
  const u = new URL(base!);
  if (!u.password) u.password = "Pw-s3cret-9xq";
  return { url: u.href.replace(/\/$/, ""), password: decodeURIComponent(u.password) };
}

const TABLE = "public.hygge_copy_orders";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-copy-pg-"));
const copy = (args: string[]) => hygge(["copy", ...args], { cwd: work });

async function parquet(query: string): Promise<string[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const rows = (await con.runAndReadAll(query)).getRowObjectsJson().map((r) => JSON.stringify(r));
  con.closeSync();
  return rows;
}

run("hygge copy with a real PostgreSQL", () => {
  // describe.skip still runs this body: build nothing from an unset URL.
  const { url, password } = reachable ? withPassword() : { url: "", password: "" };
  const from = `${url}?table=${TABLE}`;
  const noSecret = (text: string) => {
    expect(text).not.toContain(password);
    expect(text).not.toContain(encodeURIComponent(password));
  };
  const insert = (lo: number, hi: number) =>
    psql(
      `INSERT INTO ${TABLE} SELECT g, 'item ' || g, (g * 0.5)::numeric(10,2), TIMESTAMPTZ '2024-03-01 00:00:00+00' + g * INTERVAL '1 minute' FROM generate_series(${lo}, ${hi}) g`,
    );

  beforeAll(() => {
    psql(
      `DROP TABLE IF EXISTS ${TABLE}, public.hygge_copy_back; CREATE TABLE ${TABLE} (id int PRIMARY KEY, item text, price numeric(10,2), changed_at timestamptz NOT NULL)`,
    );
    insert(1, 500);
  });
  afterAll(() => {
    psql(`DROP TABLE IF EXISTS ${TABLE}, public.hygge_copy_back`);
    psql(
      "DO $$ BEGIN IF to_regclass('public.hygge_state') IS NOT NULL THEN DELETE FROM public.hygge_state WHERE flow = 'copy'; END IF; END $$",
    );
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("--dry-run prints the plan, never the password, and opens nothing", () => {
    const human = copy([from, "lake/", "--watermark", "changed_at", "--primary-key", "id", "--dry-run"]);
    expect(human.code).toBe(0);
    noSecret(human.all);
    expect(human.stdout).toContain("hygge copy: postgres");
    expect(human.stdout).toMatch(/:\*\*\*@/); // the URL is shown with its password masked
    expect(human.stdout).toMatch(
      /copy\.hygge_copy_orders\s+incremental\s+postgres table public\.hygge_copy_orders .*→ parquet lake\/hygge_copy_orders/,
    );
    expect(human.stdout).toContain("changed_at: from the start");
    const json = copy([from, "lake/", "--watermark", "changed_at", "--dry-run", "--json"]);
    expect(json.code).toBe(0);
    noSecret(json.all);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({ status: "dry-run", entities: [{ id: "copy.hygge_copy_orders" }] });
    expect(fs.existsSync(path.join(work, "lake"))).toBe(false);
    expect(fs.existsSync(path.join(work, ".hygge-copy"))).toBe(false);
  });

  test("a table to a Parquet folder, incrementally: the second run copies only the new rows", async () => {
    const args = [from, "lake/", "--watermark", "changed_at", "--primary-key", "id"];
    const first = copy([...args, "--json"]);
    expect(first.code).toBe(0);
    noSecret(first.all);
    const one = JSON.parse(first.stdout);
    expect(one.flows[0]).toMatchObject({ entity: "hygge_copy_orders", runType: "incremental", rows: 500 });

    insert(501, 530);
    const second = copy(args);
    expect(second.code).toBe(0);
    noSecret(second.all);
    expect(second.stdout).toMatch(/copy\s+hygge_copy_orders\s+PASS\s+30\s/);

    const folder = path.join(work, "lake", "hygge_copy_orders");
    expect(fs.readdirSync(folder).filter((f) => f.endsWith(".parquet"))).toHaveLength(2);
    const rows = await parquet(
      `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids, sum(price)::VARCHAR AS total FROM read_parquet('${folder}/*.parquet')`,
    );
    expect(rows).toEqual([
      JSON.stringify({ n: 530, ids: 530, total: psql(`SELECT sum(price) FROM ${TABLE}`) }),
    ]);

    // Nothing new: a third run copies nothing and adds no file.
    const third = copy([...args, "--json"]);
    expect(JSON.parse(third.stdout).totals.rows).toBe(0);
    // The copy's journal and state never hold the password.
    const state = path.join(work, ".hygge-copy");
    const files = fs.readdirSync(state, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) noSecret(fs.readFileSync(path.join(f.parentPath, f.name), "utf8"));
  });

  test("Parquet files back into a new PostgreSQL table (postgresql:// form)", () => {
    const to = `${url.replace(/^postgres:/, "postgresql:")}?table=public.hygge_copy_back`;
    const r = copy([path.join(work, "lake", "hygge_copy_orders"), to, "--json"]);
    expect(r.code).toBe(0);
    noSecret(r.all);
    expect(JSON.parse(r.stdout).flows[0]).toMatchObject({ entity: "hygge_copy_orders", rows: 530 });
    const diff = `SELECT count(*) FROM (SELECT * FROM ${TABLE} EXCEPT SELECT id, item, price, changed_at FROM public.hygge_copy_back) d`;
    expect(psql(diff)).toBe("0");
    expect(psql("SELECT count(*) FROM public.hygge_copy_back")).toBe("530");
  });

  test("a failing copy names the table and exits 1, without the password", () => {
    const r = copy([`${url}?table=public.hygge_copy_missing`, "lake/"]);
    expect(r.code).toBe(1);
    noSecret(r.all);
    expect(r.all).toContain("hygge_copy_missing");
  });
});
