import "./mssql-jest-azure.js";
import type { Home } from "@hygge/core";
import { afterAll, describe, expect, it } from "@jest/globals";
import plugin from "../src/index.js";
import { mssqlEstimates, mssqlTableStatistics, partitionRows } from "../src/mssql/mssql-estimate.js";
import { mssqlTestContext, mssqlUrl, withMssql } from "./mssql-servers.js";

const read = { signal: new AbortController().signal, flow: "estimate", runType: "full_drop" as const };

describe("SQL Server row estimate: SQL text and mapping (no server)", () => {
  it("reads the engine's partition row counts of the quoted table, never a scan", () => {
    const s = mssqlTableStatistics({ schema: "sales", name: "or]ders" });
    expect(s.params).toEqual(["[sales].[or]]ders]"]);
    expect(s.text).toBe(
      "SELECT CAST(SUM(p.rows) AS varchar(30)) AS estimate FROM sys.partitions p WHERE p.object_id = OBJECT_ID(@p1) AND p.index_id IN (0, 1)",
    );
    expect(s.text).not.toMatch(/count\(/i);
  });

  it("maps the answer; NULL (a view, no partitions) is no estimate", () => {
    expect(partitionRows({ estimate: "1000" })).toBe(1000);
    expect(partitionRows({ estimate: "0" })).toBe(0);
    expect(partitionRows({ estimate: null })).toBeUndefined();
    expect(partitionRows(undefined)).toBeUndefined();
  });

  it("estimates a whole table only: not a query, not a read from a watermark", () => {
    expect(mssqlEstimates({ table: { name: "t" } }, false)).toBe(true);
    expect(mssqlEstimates({ table: { name: "t" } }, true)).toBe(false);
    expect(mssqlEstimates({ query: "SELECT 1 AS x" }, false)).toBe(false);
  });

  it("a query home answers `no estimate` without opening a connection", async () => {
    // The context's server (localhost:1 here) is never contacted: connecting would reject.
    const ctx = mssqlTestContext("estimate");
    ctx.connections.warehouse!.options = {
      ...ctx.connections.warehouse!.options,
      server: "127.0.0.1",
      port: 1,
    };
    const home = plugin.homes.mssql.create(
      plugin.homes.mssql.options.parse({ connection: "warehouse", query: "SELECT 1 AS x" }),
      { ...ctx, entity: "x" },
    ) as Home;
    await expect(home.estimateRows!({ ...read, entity: "x" })).resolves.toBeUndefined();
    await ctx.resources.closeAll();
  });
});

const suite = mssqlUrl ? describe : describe.skip;

suite("SQL Server row estimate (HYGGE_TEST_MSSQL_URL)", () => {
  const ctx = mssqlTestContext("estimate");
  const table = `est_${process.pid}_${Date.now().toString(36)}`;
  afterAll(async () => {
    await ctx.resources.closeAll();
    await withMssql((pool) => pool.request().query(`DROP TABLE IF EXISTS [${table}]`));
  });

  it("a table's estimate is the row count the engine keeps (sys.partitions), read independently", async () => {
    await withMssql(async (pool) => {
      await pool.request().query(`CREATE TABLE [${table}] (id int PRIMARY KEY, note nvarchar(20))`);
      await pool
        .request()
        .query(
          `INSERT INTO [${table}] SELECT TOP (1000) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)), N'x' FROM sys.all_columns a CROSS JOIN sys.all_columns b`,
        );
    });
    const home = plugin.homes.mssql.create(
      plugin.homes.mssql.options.parse({ connection: "warehouse", table: "{entity}" }),
      { ...ctx, entity: table },
    ) as Home;
    const estimate = await home.estimateRows!({ ...read, entity: table });
    const kept = await withMssql(async (pool) => {
      const r = await pool
        .request()
        .query(
          `SELECT SUM(row_count) AS n FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID(N'${table}') AND index_id IN (0, 1)`,
        );
      return Number(r.recordset[0].n);
    });
    expect(estimate).toBe(kept);
    expect(estimate).toBe(1000);
  });
});
