import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { cleanup, hygge, testdir } from "./helpers.js";

// `entities:` patterns against real PostgreSQL tables (the server CI provides).
const url = process.env.HYGGE_TEST_POSTGRES_URL;
const hasPsql = spawnSync("psql", ["--version"]).status === 0;
const run = url && hasPsql ? describe : describe.skip;

const psql = (sql: string): string => {
  const r = spawnSync("psql", [url!, "-XAtc", sql], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};
const SRC = "hygge_cli_pat_src";
const DST = "hygge_cli_pat_dst";
const dropAll = () => psql(`DROP SCHEMA IF EXISTS ${SRC} CASCADE; DROP SCHEMA IF EXISTS ${DST} CASCADE`);

function project(entities: string, files: Record<string, string> = {}): string {
  const u = new URL(url!);
  const connection = [
    "    type: postgres",
    `    host: ${u.hostname}`,
    ...(u.port ? [`    port: ${u.port}`] : []),
    `    user: ${decodeURIComponent(u.username) || "postgres"}`,
    `    database: ${u.pathname.slice(1) || "postgres"}`,
    ...(u.password ? [`    password: ${decodeURIComponent(u.password)}`] : []),
  ].join("\n");
  return testdir({
    "hygge.yml": `name: pat\nplugins: [sql]\nconnections:\n  pg:\n${connection}\n`,
    "flows/copy/flow.yml": `home: { type: postgres, connection: pg, table: "${SRC}.{entity}" }\nstore: { type: postgres, connection: pg, table: "${DST}.{entity}" }\nentities: ${entities}\n`,
    ...files,
  });
}

run("entities: patterns on PostgreSQL tables", () => {
  beforeAll(() => {
    dropAll();
    psql(`CREATE SCHEMA ${SRC}; CREATE SCHEMA ${DST}`);
    for (const [table, rows] of [
      ["orders", 3],
      ["customers", 2],
      ["tmp_load", 5],
    ] as const)
      psql(`CREATE TABLE ${SRC}.${table} AS SELECT g AS id FROM generate_series(1, ${rows}) g`);
  });
  afterAll(() => {
    dropAll();
    psql(
      "DO $$ BEGIN IF to_regclass('public.hygge_state') IS NOT NULL THEN DELETE FROM public.hygge_state WHERE flow = 'copy'; END IF; END $$",
    );
    cleanup();
  });

  test("--dry-run lists the tables a pattern selects; go copies exactly those", () => {
    const dir = project('["*", "!tmp_*"]');
    const dry = hygge(["go", "--dry-run", "--json"], { cwd: dir });
    expect(dry.stderr).toBe("");
    const entities = (JSON.parse(dry.stdout) as { entities: { id: string; pattern?: string }[] }).entities;
    expect(entities.map((e) => [e.id, e.pattern]).sort()).toEqual([
      ["copy.customers", "*"],
      ["copy.orders", "*"],
    ]);
    const r = hygge(["go", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    const flows = (JSON.parse(r.stdout) as { flows: { id: string; rows: number }[] }).flows;
    expect(flows.map((f) => [f.id, f.rows]).sort()).toEqual([
      ["copy.customers", 2],
      ["copy.orders", 3],
    ]);
    expect(
      psql(
        `SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = '${DST}'`,
      ),
    ).toBe("customers,hygge_state,orders"); // hygge_state: the store's committed state
  });

  test("a pattern matching no table names the flow file, the pattern and the tables there are", () => {
    const r = hygge(["go"], { cwd: project('["sales_*"]') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'flows/copy/flow.yml: entities: pattern "sales_*" of flow copy matches nothing in postgres home (connection pg)',
    );
    expect(r.stderr).toMatch(/it holds: (customers|orders|tmp_load), /);
  });

  test("a connection that does not answer is an error naming the flow and the connection", () => {
    const dir = project('["*"]');
    const file = path.join(dir, "hygge.yml");
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, "utf8")
        .replace(/ {4}port: .*\n|(?= {4}user:)/, "    port: 1\n    connect_timeout_ms: 3000\n"),
    );
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("flow copy");
    expect(r.stderr).toContain(
      "cannot list what postgres home (connection pg) holds, to expand entities: * (flows/copy/flow.yml)",
    );
  });
});
