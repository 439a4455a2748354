import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { CLI_DIR, hygge, memoryProject, testdir } from "./helpers.js";

// A folder of its own: other test files clean the shared test/.tmp when they end.
const BASE = path.join(CLI_DIR, "test", `.tmp-discover-${process.pid}`);
afterAll(() => fs.rmSync(BASE, { recursive: true, force: true }));

const CSV = ["id,amount,city", "1,12.50,Oslo", "2,-0.75,Bergen", "3,100.00,", ""].join("\n");

interface Listed {
  source: string;
  type: string;
  entities: {
    name: string;
    kind: string;
    estimatedRows?: number;
    files?: number;
    bytes?: number;
    columns?: {
      name: string;
      sourceType: string;
      type?: string;
      unreadable?: { reason: string; hint?: string };
    }[];
  }[];
}

describe("hygge discover on files", () => {
  test("a folder without a project: entity folders, files and bytes; the format from the extensions", () => {
    const dir = testdir(
      {
        "inbox/orders/part-1.csv": CSV,
        "inbox/orders/part-2.csv": "id,amount,city\n4,1.00,Oslo\n",
        "inbox/customers/all.csv": "cid\n1\n",
        "inbox/notes.txt": "not data\n",
      },
      BASE,
    );
    const r = hygge(["discover", "inbox", "--columns"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("folder inbox (csv): 2 entities");
    expect(lines.slice(2, 5)).toEqual([
      "ENTITY     KIND    EST. ROWS  FILES  BYTES  COLUMNS",
      "customers  folder          -      1    6 B  1",
      "orders     folder          -      2   80 B  3",
    ]);
    expect(r.stdout).toContain("  orders: id int64, amount decimal(5, 2), city string");
  });

  test("a project's parquet output: rows from the footers, columns as hygge types, --json and patterns", () => {
    const dir = testdir(
      {
        "hygge.yml": "name: files\nplugins: [csv, parquet]\n",
        "inbox/orders/part-1.csv": CSV,
        "inbox/cities/part-1.csv": "city\nOslo\n",
        "flows/load/flow.yml":
          "home: { type: csv, path: inbox }\nstore: { type: parquet, path: lake }\nentities: [orders, cities]\n",
      },
      BASE,
    );
    expect(hygge(["go", "-q"], { cwd: dir }).code).toBe(0);
    const r = hygge(["discover", "lake", "--columns", "--json", "o*"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as Listed;
    expect(listed.type).toBe("parquet");
    expect(listed.entities.map((e) => [e.name, e.kind, e.estimatedRows, e.files])).toEqual([
      ["orders", "folder", 3, 1],
    ]);
    expect(listed.entities[0]!.columns!.map((c) => `${c.name} ${c.type}`)).toEqual([
      "id int64",
      "amount decimal(5, 2)",
      "city string",
    ]);
    expect(listed.entities[0]!.bytes).toBeGreaterThan(0);
    // The flow itself: its home block (csv over inbox) lists both entities.
    const listedFlow = hygge(["discover", "load", "--json"], { cwd: dir });
    expect(listedFlow.stderr).toBe("");
    const flow = JSON.parse(listedFlow.stdout) as Listed;
    expect(flow.entities.map((e) => e.name)).toEqual(["cities", "orders"]);
  });

  test("an unknown source, or a home type without discover, is a usage error listing the choices", () => {
    const dir = memoryProject(undefined, BASE);
    const unknown = hygge(["discover", "nope"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"nope" is no connection, flow or folder');
    expect(unknown.stderr).toContain("flow sales, flow stock");
    const memory = hygge(["discover", "sales"], { cwd: dir });
    expect(memory.code).toBe(2);
    expect(memory.stderr).toContain("home type memory cannot list what it holds");
    const outside = hygge(["discover", "nope"], { cwd: testdir({}, BASE) });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("no project found here");
  });
});

const url = process.env.HYGGE_TEST_POSTGRES_URL;
const hasPsql = spawnSync("psql", ["--version"]).status === 0;
const withPostgres = url && hasPsql ? describe : describe.skip;

withPostgres("hygge discover on a PostgreSQL connection (HYGGE_TEST_POSTGRES_URL)", () => {
  const schema = `cli_disc_${process.pid}`;
  const psql = (sql: string) => {
    const r = spawnSync("psql", [url!, "-XAtqc", sql], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  afterAll(() => psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

  test("lists tables and views with estimated rows, and the column it cannot read with reason and hint", () => {
    psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.orders (id integer NOT NULL, during int4range, amount numeric(10,2));
      INSERT INTO ${schema}.orders SELECT i, NULL, i FROM generate_series(1, 500) AS s(i);
      ANALYZE ${schema}.orders;
      CREATE VIEW ${schema}.recent AS SELECT id FROM ${schema}.orders;`);
    const dir = testdir(
      {
        "hygge.yml": `name: db\nplugins: [sql]\nconnections:\n  pg:\n    type: postgres\n    url: \${PG_URL}\n`,
      },
      BASE,
    );
    const env = { PG_URL: url };
    const r = hygge(["discover", "pg", `${schema}.*`, "--columns"], { cwd: dir, env });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("connection pg (postgres): 2 entities");
    expect(lines.slice(2, 5).map((l) => l.split(/\s{2,}/))).toEqual([
      ["ENTITY", "KIND", "EST. ROWS", "COLUMNS"],
      [`${schema}.orders`, "table", "500", "3 (1 unreadable)"],
      [`${schema}.recent`, "view", "-", "1"],
    ]);
    expect(r.stdout).toContain(
      `✗ ${schema}.orders.during (int4range): column "during" has PostgreSQL type int4range, which hygge cannot read`,
    );
    expect(r.stdout).toMatch(/hint: Cast it in a query/);
    const json = JSON.parse(
      hygge(["discover", "pg", `${schema}.*`, "--json"], { cwd: dir, env }).stdout,
    ) as Listed;
    expect(json.entities.map((e) => [e.name, e.kind, e.estimatedRows])).toEqual([
      [`${schema}.orders`, "table", 500],
      [`${schema}.recent`, "view", undefined],
    ]);
  });
});
