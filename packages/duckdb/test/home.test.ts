import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Registry, toRows } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { duckdbHome } from "../src/home/definition.js";
import { displayQuery, substituteEntity } from "../src/home/query.js";
import plugin from "../src/index.js";
import { createContext, duckExec, makeHome, projectDir, readAll, readContext } from "./home-helpers.js";

const dir = await projectDir("home");

describe("duckdb home: {entity}", () => {
  it("is the name inside '…' and \"…\", a quoted identifier elsewhere, untouched in comments", () => {
    const q = `select '{entity}' as s, "{entity}" from {entity} -- {entity}\n/* '{entity} */ where x = 'it''s {entity}'`;
    expect(substituteEntity(q, `o'ne"il`)).toBe(
      `select 'o''ne"il' as s, "o'ne""il" from "o'ne""il" -- o'ne"il\n/* 'o'ne"il */ where x = 'it''s o''ne"il'`,
    );
  });

  it("reads files relative to the project folder, whatever the working directory", async () => {
    await mkdir(join(dir, "inbox", "o'rders"), { recursive: true });
    await writeFile(join(dir, "inbox", "o'rders", "1.csv"), "id,name\n1,ünï\n2,b\n");
    await writeFile(join(dir, "inbox", "o'rders", "2.csv"), "id,name\n3,c\n");
    expect(process.cwd()).not.toBe(dir);
    const home = makeHome(
      dir,
      { query: "select * from read_csv('inbox/{entity}/*.csv') order by id" },
      "o'rders",
    );
    expect(toRows(await readAll(home))).toEqual([
      { id: "1", name: "ünï" },
      { id: "2", name: "b" },
      { id: "3", name: "c" },
    ]);
    const pq = makeHome(dir, { query: "copy (select 1) to 'x.parquet'" });
    await expect(readAll(pq)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    expect(existsSync(join(dir, "x.parquet"))).toBe(false);
  });

  it("reads tables of a .duckdb file given by path (relative), the entity as table name", async () => {
    await duckExec(
      dir,
      `attach '${join(dir, "shop.duckdb")}' as shop; create table shop."order lines" as select range::INTEGER as id, 'n' || range as name from range(5)`,
    );
    const home = makeHome(
      dir,
      { path: "shop.duckdb", query: "select * from {entity} where id >= 3 order by id;" },
      "order lines",
    );
    expect(toRows(await readAll(home))).toEqual([
      { id: 3, name: "n3" },
      { id: 4, name: "n4" },
    ]);
  });

  it("passes threads and memory_limit to DuckDB", async () => {
    const query = "select current_setting('threads') as t, current_setting('memory_limit') as m";
    const rows = toRows(await readAll(makeHome(dir, { query, threads: 1, memory_limit: "64MB" })));
    expect(rows).toEqual([{ t: "1", m: expect.stringMatching(/^6\d(\.\d+)? MiB$/) }]);
  });

  it("refuses a missing database file without creating it", async () => {
    const home = makeHome(dir, { path: "nope.duckdb", query: "select 1" }, "e");
    await expect(readAll(home)).rejects.toMatchObject({
      code: "HOME_READ_FAILED",
      message: expect.stringContaining(`database file ${join(dir, "nope.duckdb")} not found`),
    });
    expect(existsSync(join(dir, "nope.duckdb"))).toBe(false);
  });
});

describe("duckdb home: plugin", () => {
  it("is the plugin's `duckdb` home type; options are strict", () => {
    expect(new Registry([plugin]).home("duckdb").definition).toBe(duckdbHome);
    expect(duckdbHome.options.safeParse({ query: "select 1", table: "t" }).success).toBe(false);
    expect(duckdbHome.options.parse({ query: "select 1" })).toEqual({
      query: "select 1",
      batch_size: 65_536,
    });
  });
});

describe("duckdb home: errors", () => {
  it("a bad query names flow, entity, the query, DuckDB's message and a hint", async () => {
    const home = makeHome(dir, { query: "selec * from t" }, "orders");
    await expect(readAll(home)).rejects.toMatchObject({
      code: "HOME_READ_FAILED",
      plugin: "@hygge/duckdb",
      flow: "test",
      entity: "orders",
      message: expect.stringMatching(
        /flow "test", entity "orders"\).*"selec \* from t".*Parser Error: syntax error/s,
      ),
      hint: expect.stringContaining("SQL"),
    });
  });

  it("a missing file points at the project folder", async () => {
    const home = makeHome(dir, { query: "select * from read_parquet('missing/*.parquet')" }, "orders");
    await expect(readAll(home)).rejects.toMatchObject({
      code: "HOME_READ_FAILED",
      message: expect.stringContaining("No files found"),
      hint: expect.stringContaining(dir),
    });
  });

  it("a dynamic PIVOT (several statements) gets a hint to list its values", async () => {
    const home = makeHome(dir, { query: "pivot (select 1 as a, 'x' as b) on b using sum(a)" });
    await expect(readAll(home)).rejects.toMatchObject({
      code: "HOME_READ_FAILED",
      hint: expect.stringContaining("IN ("),
    });
  });

  it("two columns of one name are refused", async () => {
    await expect(readAll(makeHome(dir, { query: "select 1 as a, 2 as a" }))).rejects.toMatchObject({
      code: "SCHEMA_MISMATCH",
      subject: "a",
    });
  });

  it("shows queries without passwords", () => {
    expect(displayQuery("select * from read_csv('https://bob:s3cr3t@host/x.csv', secret='abc')")).toBe(
      "select * from read_csv('https://bob:***@host/x.csv', secret='***')",
    );
    const line = duckdbHome.describe!(
      duckdbHome.options.parse({ query: "select *\n  from read_csv('s3://k:pw@b/{entity}.csv')" }),
      createContext(dir, "orders"),
    );
    expect(line).toBe(
      `duckdb query "select * from read_csv('s3://k:***@b/orders.csv')" on an in-memory database`,
    );
  });
});

describe("duckdb home: schema and check", () => {
  const slow = "select range as r, range::VARCHAR as s from range(10000000000000) order by r desc";

  it("schema() gives the columns without running the query", async () => {
    const home = makeHome(dir, { query: slow });
    const started = Date.now();
    const schema = await home.schema(readContext());
    expect(schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["r:Int64", "s:Utf8"]);
    expect(Date.now() - started).toBeLessThan(5000);
    await home.close();
  });

  it("check() says the query compiles, or names each problem", async () => {
    expect(await makeHome(dir, { query: slow }).check()).toEqual([
      expect.objectContaining({
        ok: true,
        message: expect.stringContaining("2 columns (r BIGINT, s VARCHAR)"),
      }),
    ]);
    const refused = await makeHome(dir, {
      query: "select 1::HUGEINT as h, 1 as ok, interval 1 day as i",
    }).check();
    expect(refused.map((r) => [r.ok, r.subject])).toEqual([
      [false, 'duckdb query of flow "test", column "h"'],
      [false, 'duckdb query of flow "test", column "i"'],
    ]);
    expect(refused[0]!.hint).toContain("DECIMAL(38,0)");
    const bad = await makeHome(dir, { query: "select * from nowhere" }, "e").check();
    expect(bad).toEqual([
      expect.objectContaining({ ok: false, message: expect.stringContaining("Catalog Error") }),
    ]);
  });
});
