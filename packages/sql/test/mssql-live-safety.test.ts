import { isHyggeError, runFlow, type Store } from "@hygge/core";
import { batchOf, int64Vector, memoryHome } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Int64 } from "apache-arrow";
import plugin from "../src/index.js";
import { mssqlTestContext, mssqlUrl, withMssql } from "./mssql-servers.js";

/** Live SQL Server checks, when HYGGE_TEST_MSSQL_URL is set; reported as skipped otherwise. */
const suite = mssqlUrl ? describe : describe.skip;

suite("SQL Server tables hygge did not create (HYGGE_TEST_MSSQL_URL)", () => {
  const ctx = mssqlTestContext("safety");
  afterAll(() => ctx.resources.closeAll());
  const store = (entity: string, extra = {}) =>
    plugin.stores.mssql.create(
      plugin.stores.mssql.options.parse({ connection: "warehouse", table: "{entity}", ...extra }),
      { ...ctx, entity },
    ) as Store;
  const raw = withMssql;

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
