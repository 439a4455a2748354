import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { hygge, REPO } from "./helpers.js";

// The documented parquet → PostgreSQL sample, run for real against the server CI provides.
const url = process.env.HYGGE_TEST_POSTGRES_URL;
const hasPsql = spawnSync("psql", ["--version"]).status === 0;
const run = url && hasPsql ? describe : describe.skip;

const psql = (sql: string): string => {
  const r = spawnSync("psql", [url!, "-XAtc", sql], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};
const TABLES = ["customers", "products", "orders"].map((e) => `public.cli_sample_${e}`);
const cleanupDb = () => {
  psql(`DROP TABLE IF EXISTS ${TABLES.join(", ")}`);
  psql(
    "DO $$ BEGIN IF to_regclass('public.hygge_state') IS NOT NULL THEN DELETE FROM public.hygge_state WHERE flow = 'shop'; END IF; END $$",
  );
};

run("samples/parquet-to-postgres against a real PostgreSQL", () => {
  afterAll(() => cleanupDb());

  test("loads every row; a second run appends no order twice", () => {
    cleanupDb();
    const u = new URL(url!);
    const env = {
      PGHOST: u.hostname,
      PGUSER: decodeURIComponent(u.username) || "postgres",
      PGDATABASE: u.pathname.slice(1) || "postgres",
      PGPASSWORD: decodeURIComponent(u.password),
    };
    const args = [
      "go",
      "--json",
      "--project",
      path.join(REPO, "samples/parquet-to-postgres"),
      "--var",
      "flow.shop.store.table=public.cli_sample_{entity}",
      ...(u.port ? ["--var", `connections.warehouse.port=${u.port}`] : []),
    ];
    const first = hygge(args, { env });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).totals).toMatchObject({ rows: 51_200, pass: 3 });
    const counts = () => TABLES.map((t) => Number(psql(`SELECT count(*) FROM ${t}`)));
    expect(counts()).toEqual([1000, 200, 50_000]);
    expect(psql("SELECT count(DISTINCT order_id) FROM public.cli_sample_orders")).toBe("50000");
    const second = hygge(args, { env });
    expect(second.code).toBe(0);
    const orders = (JSON.parse(second.stdout) as { flows: { id: string; rows: number }[] }).flows.find(
      (f) => f.id === "shop.orders",
    );
    expect(orders?.rows).toBe(0); // incremental: nothing new since the committed watermark
    expect(counts()).toEqual([1000, 200, 50_000]);
  });
});
