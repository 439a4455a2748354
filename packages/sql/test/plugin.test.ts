import { type CreateContext, dryRun, isHyggeError, RunResources, silentLogger } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { formatDate, formatTimestamp, parseDate, parseTime, parseTimestamp } from "../src/arrow/temporal.js";
import { isTransientSqlError, sqlError } from "../src/errors.js";
import plugin from "../src/index.js";
import { postgresSql, watermarkParam } from "../src/postgres/postgres-sql.js";
import { parseTableRef, stagingName, stagingPrefix } from "../src/table-ref.js";

const ctx = (resources = new RunResources()): CreateContext => ({
  flow: "f",
  entity: "orders",
  projectDir: "/",
  connections: {
    warehouse: {
      name: "warehouse",
      type: "postgres",
      options: { host: "db.invalid", database: "d", user: "u", password: "hunter22" },
    },
    legacy: {
      name: "legacy",
      type: "mssql",
      options: { server: "sql.invalid", database: "d", user: "sa", password: "hunter33" },
    },
  },
  resources,
  logger: silentLogger,
});

describe("plugin object", () => {
  it("has strict option schemas for homes, stores and connections", () => {
    expect(plugin.homes.postgres.options.safeParse({ connection: "w", table: "t", tabel: "x" }).success).toBe(
      false,
    );
    expect(
      plugin.homes.postgres.options.safeParse({ connection: "w", table: "t", query: "SELECT 1" }).success,
    ).toBe(false);
    // Neither table nor query: the entity's own name is the table.
    expect(plugin.homes.mssql.options.parse({ connection: "w" })).toMatchObject({ table: "{entity}" });
    expect(plugin.homes.postgres.options.parse({ connection: "w", query: "SELECT 1" })).not.toHaveProperty(
      "table",
    );
    expect(plugin.homes.postgres.alternatives).toEqual([["table", "query"]]);
    expect(plugin.stores.mssql.options.safeParse({ connection: "w", table: "t" }).success).toBe(true);
    expect(
      plugin.connections.postgres.options.safeParse({ database: "d", user: "u", pasword: "x" }).success,
    ).toBe(false);
    expect(plugin.stores.postgres.runTypes).toEqual(["full_drop", "incremental", "merge"]);
  });

  it("create() and describe() open nothing and never print the password", async () => {
    let created = 0;
    const resources = { get: async () => void created++ } as unknown as RunResources;
    const c = ctx(resources);
    const home = plugin.homes.postgres.create(
      plugin.homes.postgres.options.parse({ connection: "warehouse", table: "sales.{entity}" }),
      c,
    );
    const store = plugin.stores.mssql.create(
      plugin.stores.mssql.options.parse({ connection: "legacy", table: "dbo.{entity}" }),
      c,
    );
    expect(home).toBeDefined();
    expect(store.supports.runTypes).toContain("merge");
    expect(created).toBe(0);
    const a = plugin.homes.postgres.describe(
      plugin.homes.postgres.options.parse({ connection: "warehouse", table: "sales.{entity}" }),
      c,
    );
    const b = plugin.stores.mssql.describe(
      plugin.stores.mssql.options.parse({ connection: "legacy", table: "dbo.{entity}" }),
      c,
    );
    expect(a).toBe("postgres table sales.orders on postgres u@db.invalid:5432/d (connection warehouse)");
    expect(b).toBe("mssql table dbo.orders on mssql sa@sql.invalid:1433/d (connection legacy)");
    expect(a + b).not.toMatch(/hunter/);
  });

  it("a project dry run validates connections and describes blocks without connecting", async () => {
    const entries = await dryRun({
      project: {
        plugins: ["@hygge/sql"],
        connections: {
          warehouse: { type: "postgres", host: "db.invalid", database: "d", user: "u", password: "hunter22" },
        },
        flows: {
          copy: {
            home: { type: "postgres", connection: "warehouse", table: "src.{entity}" },
            store: { type: "postgres", connection: "warehouse", table: "dst.{entity}" },
            entities: ["a"],
          },
        },
      },
      plugins: [plugin],
      projectDir: "/",
    } as never);
    expect(JSON.stringify(entries)).toContain("postgres table src.a on postgres u@db.invalid:5432/d");
    expect(JSON.stringify(entries)).not.toContain("hunter22");
  });

  it("refuses an unknown connection or one of the other dialect", () => {
    const c = ctx();
    const make = (type: "postgres" | "mssql", connection: string) => () =>
      plugin.homes[type].create(plugin.homes[type].options.parse({ connection, table: "t" }), c);
    expect(make("postgres", "nope")).toThrow('unknown connection "nope"');
    expect(make("postgres", "legacy")).toThrow(
      'connection "legacy" is type mssql, but this block is type postgres',
    );
  });
});

describe("PostgreSQL SQL generation", () => {
  it("quotes every identifier and doubles embedded quotes", () => {
    expect(postgresSql.table({ schema: 'a"b', name: "c; DROP TABLE x" })).toBe('"a""b"."c; DROP TABLE x"');
    expect(() => postgresSql.quote("a\0b")).toThrow(/NUL/);
  });

  it("binds the watermark as a parameter in its canonical text", () => {
    const since = {
      column: 'up"d',
      kind: "timestamp" as const,
      value: "1704067200000001",
      unit: "us" as const,
      timezone: "UTC",
    };
    expect(postgresSql.select({ query: "SELECT * FROM t" }, undefined, since)).toEqual({
      text: 'SELECT * FROM (SELECT * FROM t) AS hygge_source WHERE "up""d" >= $1',
      params: ["2024-01-01 00:00:00.000001+00"],
    });
    expect(watermarkParam({ column: "d", kind: "date", value: "-719528" })).toBe("0001-01-01 BC");
    expect(watermarkParam({ column: "s", kind: "string", value: "'; DROP TABLE t; --" })).toBe(
      "'; DROP TABLE t; --",
    );
  });

  it("generates the swap and the merge inside the caller's transaction", () => {
    expect(postgresSql.swap({ schema: "s", name: "stg" }, { schema: "s", name: "t" }, true)).toEqual([
      'DROP TABLE "s"."t"',
      'ALTER TABLE "s"."stg" RENAME TO "t"',
    ]);
    const merge = postgresSql.merge({ name: "stg" }, { name: "t" }, ["id", "v"], ["id"]);
    expect(merge).toHaveLength(3);
    expect(merge[1]).toBe('UPDATE "t" AS t SET "v" = s."v" FROM "stg" AS s WHERE t."id" = s."id"');
  });
});

describe("names and values", () => {
  it("staging names are short, per target, and found by prefix", () => {
    const ref = parseTableRef("sales.orders");
    expect(ref).toEqual({ schema: "sales", name: "orders" });
    expect(stagingName(ref, "run-1").startsWith(stagingPrefix(ref))).toBe(true);
    expect(stagingName(ref, "run-1").length).toBeLessThanOrEqual(63);
    expect(stagingPrefix(ref)).not.toBe(stagingPrefix(parseTableRef("sales.order")));
    expect(() => parseTableRef("a.b.c")).toThrow(/schema.name/);
  });

  it("converts dates and timestamps exactly, including BC years and negative epochs", () => {
    expect(parseDate("0001-01-01")).toBe(-719162);
    expect(formatDate(2932896)).toBe("9999-12-31");
    expect(formatDate(-719528)).toBe("0001-01-01 BC");
    expect(parseTimestamp("1969-12-31 23:59:59.999999", "us")).toBe(-1n);
    expect(formatTimestamp(-1n, "us")).toBe("1969-12-31 23:59:59.999999");
    expect(formatTimestamp(253402300799999999n, "us")).toBe("9999-12-31 23:59:59.999999");
    expect(parseTimestamp("2024-06-01 12:00:00.5+02", "ms")).toBe(1717236000500n);
    expect(() => parseTimestamp("2024-01-01 00:00:00.0000001", "us")).toThrow(RangeError);
    expect(() => formatTimestamp(1n, "ns")).toThrow(RangeError);
    expect(parseTime("23:59:59.1234567", "ns")).toBe(86_399_123_456_700n);
  });

  it("classifies driver errors: transient, login, redacted", () => {
    for (const code of ["40001", "40P01", "57P01", "08006", "ECONNRESET"])
      expect(isTransientSqlError({ code })).toBe(true);
    expect(isTransientSqlError({ number: 1205, message: "deadlock victim" })).toBe(true);
    expect(isTransientSqlError({ code: "28P01" })).toBe(false);
    expect(isTransientSqlError({ code: "ELOGIN", number: 18456 })).toBe(false);
    const e = sqlError(
      { code: "28P01", message: "password authentication failed (pw hunter22)" },
      {
        connection: "warehouse",
        label: "PostgreSQL",
        action: "connecting",
        secrets: ["hunter22"],
      },
      "CONNECTION_FAILED",
    );
    expect(isHyggeError(e) && e.code).toBe("CONNECTION_FAILED");
    expect(e.message).toContain('connection "warehouse"');
    expect(e.message).not.toContain("hunter22");
    expect(e.transient).toBe(false);
  });
});
