import "./mssql-jest-azure.js";
import { isHyggeError, type OnSchemaChange, runFlow, type Store } from "@hygge/core";
import { batchOf, int64Vector, memoryHome } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Int32, Int64, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import plugin from "../src/index.js";
import { mssqlTestContext, mssqlUrl, withMssql } from "./mssql-servers.js";

/**
 * Schema evolution against a real SQL Server, when HYGGE_TEST_MSSQL_URL is set; reported as
 * skipped otherwise (the generated DDL is unit-tested in schema-evolution-sql.test.ts).
 */
const suite = mssqlUrl ? describe : describe.skip;

suite("SQL Server schema evolution (HYGGE_TEST_MSSQL_URL)", () => {
  const ctx = mssqlTestContext("evolution");
  const tables: string[] = [];
  afterAll(async () => {
    await ctx.resources.closeAll();
    await withMssql(async (p) => {
      for (const t of tables)
        await p
          .request()
          .query(`DROP TABLE IF EXISTS [${t}]; DELETE FROM hygge_state WHERE entity = N'${t}'`);
    });
  });
  const store = (entity: string) =>
    plugin.stores.mssql.create(
      plugin.stores.mssql.options.parse({ connection: "warehouse", table: "{entity}" }),
      {
        ...ctx,
        entity,
      },
    ) as Store;
  const run = (
    table: string,
    columns: Record<string, Vector>,
    runType: "incremental" | "merge",
    policy: OnSchemaChange,
  ) =>
    runFlow({
      flow: "evolution",
      entity: table,
      home: memoryHome([batchOf(columns)]),
      store: () => store(table),
      runType,
      ...(runType === "incremental"
        ? { watermark: { column: "id", primaryKey: ["id"] } }
        : { primaryKey: ["id"] }),
      onSchemaChange: policy,
    });
  const ids = (values: number[]) => int64Vector(new Int64(), values.map(BigInt));
  const columns = (table: string) =>
    withMssql(async (p) =>
      (
        await p
          .request()
          .input("t", table)
          .query(
            "SELECT c.name, TYPE_NAME(c.system_type_id) AS type, c.is_nullable AS nullable FROM sys.columns c WHERE c.object_id = OBJECT_ID(@t) ORDER BY c.name",
          )
      ).recordset.map((r) => `${r.name} ${r.type}${r.nullable ? "" : " NOT NULL"}`),
    );
  const rows = (table: string) =>
    withMssql(async (p) => (await p.request().query(`SELECT * FROM [${table}] ORDER BY id`)).recordset);

  it.each(["incremental", "merge"] as const)(
    "%s: adds, widens and drops columns in the run's transaction and records the schema",
    async (runType) => {
      const table = `t_evo_${runType}_${process.pid}`;
      tables.push(table);
      await run(
        table,
        {
          id: ids([1, 2]),
          v: vectorFromArray([10, 20], new Int32()),
          w: vectorFromArray(["a", "b"], new Utf8()),
        },
        runType,
        "sync_all_columns",
      );
      await run(
        table,
        {
          id: ids(runType === "merge" ? [2, 3] : [3, 4]),
          v: int64Vector(new Int64(), [30_000_000_000n, 40_000_000_000n]),
          u: vectorFromArray(["x", "y"], new Utf8()),
        },
        runType,
        "sync_all_columns",
      );
      expect(await columns(table)).toEqual([
        `id bigint${runType === "merge" ? " NOT NULL" : ""}`,
        "u nvarchar",
        "v bigint",
      ]);
      const expected =
        runType === "merge"
          ? [
              { id: "1", v: "10", u: null },
              { id: "2", v: "30000000000", u: "x" },
              { id: "3", v: "40000000000", u: "y" },
            ]
          : [
              { id: "1", v: "10", u: null },
              { id: "2", v: "20", u: null },
              { id: "3", v: "30000000000", u: "x" },
              { id: "4", v: "40000000000", u: "y" },
            ];
      expect((await rows(table)).map((r) => ({ id: String(r.id), v: String(r.v), u: r.u }))).toEqual(
        expected,
      );
      const [state] = (
        await withMssql((p) =>
          p.request().input("e", table).query("SELECT [schema] FROM hygge_state WHERE entity = @e"),
        )
      ).recordset;
      expect(
        JSON.parse(state.schema).map((c: { name: string; type: string }) => `${c.name} ${c.type}`),
      ).toEqual(["id int64", "v int64", "u string"]);
    },
  );

  it("a refused change leaves the table and its state as they were", async () => {
    const table = `t_evo_fail_${process.pid}`;
    tables.push(table);
    await run(table, { id: ids([1]), v: vectorFromArray([10], new Int32()) }, "incremental", "fail");
    const before = [await columns(table), await rows(table)];
    const error = await run(
      table,
      { id: ids([2]), v: vectorFromArray([20], new Int32()), w: vectorFromArray(["n"], new Utf8()) },
      "incremental",
      "fail",
    ).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("SCHEMA_CHANGE_REFUSED");
    expect([await columns(table), await rows(table)]).toEqual(before);
  });

  it("a NOT NULL column of a table hygge did not create accepts NULL once the source no longer sends it", async () => {
    const table = `t_evo_foreign_${process.pid}`;
    tables.push(table);
    await withMssql((p) =>
      p
        .request()
        .query(
          `CREATE TABLE [${table}] (id bigint NULL, note nvarchar(20) COLLATE Latin1_General_CS_AS NOT NULL); INSERT INTO [${table}] VALUES (1, N'kept')`,
        ),
    );
    await run(
      table,
      { id: ids([2]), w: vectorFromArray(["n"], new Utf8()) },
      "incremental",
      "sync_all_columns",
    );
    expect(await columns(table)).toEqual(["id bigint", "note nvarchar", "w nvarchar"]);
    const collation = await withMssql(async (p) => {
      const r = await p
        .request()
        .input("t", table)
        .query(
          "SELECT collation_name AS c FROM sys.columns WHERE object_id = OBJECT_ID(@t) AND name = 'note'",
        );
      return r.recordset[0].c;
    });
    expect(collation).toBe("Latin1_General_CS_AS");
    expect((await rows(table)).map((r) => ({ id: String(r.id), note: r.note, w: r.w }))).toEqual([
      { id: "1", note: "kept", w: null },
      { id: "2", note: null, w: "n" },
    ]);
  });
});
