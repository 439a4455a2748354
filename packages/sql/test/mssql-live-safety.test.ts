import {
  type CreateContext,
  isHyggeError,
  RunResources,
  runFlow,
  type Store,
  silentLogger,
} from "@hygge/core";
import { batchOf, int64Vector, memoryHome } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Int64 } from "apache-arrow";
import type { ConnectionPool } from "mssql";
import plugin from "../src/index.js";
import { mssqlPoolConfig } from "../src/mssql/mssql-dialect.js";
import { mssqlConnectionOptions } from "../src/options.js";

/** Live SQL Server checks, when HYGGE_TEST_MSSQL_URL is set; reported as skipped otherwise. */
const url = process.env.HYGGE_TEST_MSSQL_URL;

function connectionOptions() {
  const u = new URL(url ?? "mssql://sa:x@localhost:1433/master");
  return {
    server: u.hostname,
    port: Number(u.port || 1433),
    database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    encrypt: u.searchParams.get("encrypt") !== "false",
    trust_server_certificate: u.searchParams.get("trust_server_certificate") === "true",
  };
}

const suite = url ? describe : describe.skip;

suite("SQL Server tables hygge did not create (HYGGE_TEST_MSSQL_URL)", () => {
  const ctx: CreateContext & { resources: RunResources } = {
    flow: "safety",
    projectDir: process.cwd(),
    connections: { warehouse: { name: "warehouse", type: "mssql", options: connectionOptions() } },
    resources: new RunResources(),
    logger: silentLogger,
  };
  afterAll(() => ctx.resources.closeAll());
  const store = (entity: string, extra = {}) =>
    plugin.stores.mssql.create(
      plugin.stores.mssql.options.parse({ connection: "warehouse", table: "{entity}", ...extra }),
      { ...ctx, entity },
    ) as Store;
  const raw = async <T>(fn: (pool: ConnectionPool) => Promise<T>) => {
    // Loaded only when the suite runs (its Azure dependencies do not load under jest's ESM mode).
    const sql = (await import("mssql")).default;
    const pool = new sql.ConnectionPool(mssqlPoolConfig(mssqlConnectionOptions.parse(connectionOptions())));
    await pool.connect();
    try {
      return await fn(pool);
    } finally {
      await pool.close();
    }
  };

  it("full_drop refuses a foreign table unchanged, replace_existing replaces it once", async () => {
    const table = `t_foreign_${process.pid}`;
    await raw((p) =>
      p
        .request()
        .query(
          `CREATE TABLE [${table}] (id int NOT NULL, note nvarchar(10)); INSERT INTO [${table}] VALUES (1, N'keep')`,
        ),
    );
    const run = (extra = {}) =>
      runFlow({
        flow: "safety",
        entity: table,
        home: memoryHome([batchOf({ id: int64Vector(new Int64(), [5n]) })]),
        store: () => store(table, extra),
      });
    try {
      const error = await run().catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
      expect(String((error as Error).message)).toContain(
        `table ${table} exists but was not created by hygge`,
      );
      const rows = await raw(async (p) => (await p.request().query(`SELECT * FROM [${table}]`)).recordset);
      expect(rows).toEqual([{ id: 1, note: "keep" }]);
      expect((await run({ replace_existing: true })).rows).toBe(1);
      expect((await run()).rows).toBe(1);
    } finally {
      await raw((p) =>
        p
          .request()
          .query(`DROP TABLE IF EXISTS [${table}]; DELETE FROM hygge_state WHERE entity = N'${table}'`),
      );
    }
  });
});
