import "./mssql-jest-azure.js";
import type { DiscoverRequest } from "@hygge/core";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { entityNamer } from "../src/discover/entity-template.js";
import {
  MSSQL_RELATIONS,
  mssqlCatalogue,
  mssqlColumnsSql,
  mssqlDiscoveredColumn,
} from "../src/discover/mssql-discover.js";
import plugin from "../src/index.js";
import { mssqlTestContext, mssqlUrl, withMssql } from "./mssql-servers.js";

const col = (name: string, base: string, extra: Record<string, unknown> = {}) => ({
  id: "42",
  name,
  declared: base,
  base,
  max_length: 4,
  precision: 10,
  scale: 0,
  is_nullable: true,
  ...extra,
});

describe("SQL Server discovery: catalogue rows → entities and columns (no server)", () => {
  it("maps readable columns through the type table, with T-SQL type text", () => {
    expect(
      [
        col("id", "int", { is_nullable: false }),
        col("amount", "decimal", { precision: 18, scale: 2, max_length: 9 }),
        col("name", "nvarchar", { max_length: 100 }),
        col("body", "varchar", { max_length: -1 }),
        col("at", "datetime2", { scale: 3, max_length: 7 }),
        col("zoned", "datetimeoffset", { scale: 7, max_length: 10 }),
        col("key", "uniqueidentifier", { max_length: 16 }),
        col("phone", "nvarchar", { declared: "Phone", max_length: 40 }),
      ].map(mssqlDiscoveredColumn),
    ).toEqual([
      { name: "id", sourceType: "int", type: "int32", nullable: false },
      { name: "amount", sourceType: "decimal(18,2)", type: "decimal(18, 2)", nullable: true },
      { name: "name", sourceType: "nvarchar(50)", type: "string", nullable: true },
      { name: "body", sourceType: "varchar(max)", type: "string", nullable: true },
      { name: "at", sourceType: "datetime2(3)", type: "timestamp[ms]", nullable: true },
      { name: "zoned", sourceType: "datetimeoffset(7)", type: "timestamp[ns, UTC]", nullable: true },
      { name: "key", sourceType: "uniqueidentifier", type: "uuid", nullable: true },
      { name: "phone", sourceType: "Phone (nvarchar(20))", type: "string", nullable: true },
    ]);
  });

  it("marks a type hygge cannot read with the read's own refusal", () => {
    const geo = mssqlDiscoveredColumn(col("place", "geography", { max_length: -1 }));
    expect(geo.type).toBeUndefined();
    expect(geo.unreadable).toEqual({
      reason: 'column "place" has SQL Server type geography, which hygge cannot read',
      hint: "Cast it in a query (e.g. CAST(col AS nvarchar(max))) or leave it out with columns:.",
    });
    expect(mssqlDiscoveredColumn(col("v", "sql_variant")).unreadable?.reason).toContain("sql_variant");
  });

  it("reads relation rows: kind, default schema, estimate (NULL: unknown)", () => {
    const row = { id: "7", schema: "sales", name: "orders", kind: "table", in_default: 0, estimate: "1234" };
    expect(mssqlCatalogue.relation(row)).toEqual({
      id: "7",
      schema: "sales",
      name: "orders",
      kind: "table",
      inDefaultSchema: false,
      estimatedRows: 1234,
    });
    expect(mssqlCatalogue.relation({ ...row, kind: "view", estimate: null, in_default: 1 })).toEqual({
      id: "7",
      schema: "sales",
      name: "orders",
      kind: "view",
      inDefaultSchema: true,
    });
  });

  it("queries the catalogue without system schemas or staging tables, columns in chunks by object id", () => {
    expect(MSSQL_RELATIONS).toContain("NOT IN ('sys', 'INFORMATION_SCHEMA')");
    expect(MSSQL_RELATIONS).toContain("is_ms_shipped = 0");
    expect(MSSQL_RELATIONS).toContain("index_id IN (0, 1)");
    expect(mssqlColumnsSql(["1", "22"])).toContain("c.object_id IN (1, 22)");
    const ids = Array.from({ length: 1201 }, (_, i) => String(i + 1));
    expect(
      mssqlCatalogue.columns(ids).map((s) => s.text.match(/IN \(([^)]*)\)/)![1]!.split(",").length),
    ).toEqual([500, 500, 201]);
  });

  it("names entities by the home's table template", () => {
    const r = (schema: string, name: string, inDefaultSchema = false) => ({ schema, name, inDefaultSchema });
    expect(entityNamer({})(r("sales", "orders"))).toBe("sales.orders");
    expect(entityNamer({ table: "{entity}" })(r("sales", "orders"))).toBe("sales.orders");
    expect(entityNamer({ table: "sales.{entity}" })(r("sales", "orders"))).toBe("orders");
    expect(entityNamer({ table: "sales.{entity}" })(r("crm", "orders"))).toBeUndefined();
    expect(entityNamer({ table: "sales.stg_{entity}" })(r("sales", "stg_orders"))).toBe("orders");
    expect(entityNamer({ table: "stg_{entity}" })(r("dbo", "stg_orders", true))).toBe("orders");
    expect(entityNamer({ table: "stg_{entity}" })(r("sales", "stg_orders"))).toBeUndefined();
    expect(entityNamer({ query: "SELECT * FROM {entity}" })(r("dbo", "orders", true))).toBe("orders");
    expect(() => entityNamer({ table: "{entity}.orders" })).toThrow(/in its schema/);
  });
});

const live = mssqlUrl ? describe : describe.skip;

live("SQL Server discovery (HYGGE_TEST_MSSQL_URL)", () => {
  const ctx = mssqlTestContext("discover");
  const schema = `disc_${process.pid}_${Date.now().toString(36)}`;
  const request = (extra: Partial<DiscoverRequest> = {}): DiscoverRequest => ({
    signal: new AbortController().signal,
    ...extra,
  });
  beforeAll(() =>
    withMssql(async (pool) => {
      await pool.request().query(`CREATE SCHEMA [${schema}]`);
      await pool
        .request()
        .query(
          `CREATE TABLE [${schema}].orders (id int NOT NULL PRIMARY KEY, amount decimal(10,2), place geography, note nvarchar(20))`,
        );
      await pool
        .request()
        .query(
          `INSERT INTO [${schema}].orders (id, amount, note) SELECT TOP (250) ROW_NUMBER() OVER (ORDER BY (SELECT 1)), 1.5, N'x' FROM sys.all_objects`,
        );
      await pool
        .request()
        .query(`CREATE VIEW [${schema}].v_orders AS SELECT id, amount FROM [${schema}].orders`);
    }),
  );
  afterAll(async () => {
    await ctx.resources.closeAll();
    await withMssql(async (pool) => {
      await pool.request().query(`DROP VIEW IF EXISTS [${schema}].v_orders`);
      await pool.request().query(`DROP TABLE IF EXISTS [${schema}].orders`);
      await pool.request().query(`DROP SCHEMA IF EXISTS [${schema}]`);
    });
  });

  it("lists tables and views with estimated rows and columns, marking geography unreadable", async () => {
    const home = plugin.homes.mssql;
    const found = await home.discover!(
      home.discoverOptions!.parse({ connection: "warehouse" }),
      ctx,
      request({ patterns: [`${schema}.*`], columns: true }),
    );
    expect(found.map((e) => [e.name, e.kind, e.estimatedRows])).toEqual([
      [`${schema}.orders`, "table", 250],
      [`${schema}.v_orders`, "view", undefined],
    ]);
    expect(found[0]!.columns!.map((c) => [c.name, c.sourceType, c.type, c.nullable])).toEqual([
      ["id", "int", "int32", false],
      ["amount", "decimal(10,2)", "decimal(10, 2)", true],
      ["place", "geography", undefined, true],
      ["note", "nvarchar(20)", "string", true],
    ]);
    expect(found[0]!.columns![2]!.unreadable!.reason).toContain("geography");
  });
});
