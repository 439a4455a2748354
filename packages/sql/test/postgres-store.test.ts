import { isHyggeError, runFlow, toRows } from "@hygge/core";
import { batchOf, int64Vector, memoryHome, sequenceBatches } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Int64, Utf8, vectorFromArray } from "apache-arrow";
import { stagingName, stagingPrefix } from "../src/table-ref.js";
import { dropOwnTables, pgStore, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

const rowsOf = (url: string, table: string, order = "id") =>
  withClient(url, async (c) => (await c.query(`SELECT * FROM "${table}" ORDER BY "${order}"`)).rows);
const stagingLeft = (url: string, table: string) =>
  withClient(
    url,
    async (c) =>
      (
        await c.query("SELECT tablename FROM pg_tables WHERE starts_with(tablename, $1)", [
          stagingPrefix({ name: table }),
        ])
      ).rows.length,
  );
const people = (ids: number[], names: string[]) =>
  batchOf({
    id: int64Vector(new Int64(), ids.map(BigInt)),
    name: vectorFromArray(names, new Utf8()),
  });

describe.each(postgresServers())("PostgreSQL store ($label)", ({ url }) => {
  const ctx = testContext(url);
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });
  const flow = (entity: string, batches = sequenceBatches(10, 5), extra: Record<string, unknown> = {}) =>
    runFlow({
      flow: "sqltest",
      entity,
      home: memoryHome(batches),
      store: () => pgStore(ctx, entity),
      ...extra,
    });

  it("full_drop: readers see the old table until the swap, a failure leaves it and no staging", async () => {
    const table = unique("swap");
    await flow(table, sequenceBatches(50, 10));
    const seenDuringLoad: number[] = [];
    const error = await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(sequenceBatches(1000, 10, 10_000), {
        failAfterBatches: 30,
        onYield: (i) => {
          if (i === 20) {
            // A reader on another connection mid-load: the old rows, nothing of the new ones.
            void withClient(
              url,
              async (c) => (await c.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n,
            ).then((n) => seenDuringLoad.push(n));
          }
        },
      }),
      store: () => pgStore(ctx, table),
    }).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
    const rows = await rowsOf(url, table);
    expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await stagingLeft(url, table)).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(seenDuringLoad.every((n) => n === 50)).toBe(true);
  });

  it("open() drops staging tables left by a crashed run of the same entity only", async () => {
    const table = unique("leftover");
    const other = unique("other");
    const crashed = stagingName({ name: table }, "crashed-run");
    const foreign = stagingName({ name: other }, "crashed-run");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${crashed}" (x int)`);
      await c.query(`CREATE TABLE "${foreign}" (x int)`);
    });
    await flow(table);
    expect(await stagingLeft(url, table)).toBe(0);
    expect(await stagingLeft(url, other)).toBe(1);
    await withClient(url, (c) => c.query(`DROP TABLE "${foreign}"`));
  });

  it("merge upserts on the primary key, the last row of a key in one run wins", async () => {
    const table = unique("merge");
    const merge = (batch: ReturnType<typeof people>) =>
      runFlow({
        flow: "sqltest",
        entity: table,
        home: memoryHome([batch]),
        store: () => pgStore(ctx, table),
        runType: "merge",
        primaryKey: ["id"],
      });
    await merge(people([1, 2, 3], ["a", "b", "c"]));
    const report = await merge(people([2, 4, 4], ["B", "d", "D"]));
    expect(report.rows).toBe(3);
    const rows = await rowsOf(url, table);
    expect(rows.map((r) => [Number(r.id), r.name])).toEqual([
      [1, "a"],
      [2, "B"],
      [3, "c"],
      [4, "D"],
    ]);
    expect(await stagingLeft(url, table)).toBe(0);
  });

  it("check() proves the schema is writable and reports a missing schema", async () => {
    const ok = await pgStore(ctx, unique("check")).check!();
    expect(ok.map((r) => r.ok)).toEqual([true, true]);
    expect(ok[1]!.message).toBe("table will be created (schema writable)");
    const bad = await pgStore(ctx, "x", { table: "no_such_schema_hygge.t" }).check!();
    expect(bad[0]!.ok).toBe(false);
    expect(bad[0]!.message).toContain("no_such_schema_hygge");
  });

  it("appends into an existing table whose column types differ from the mapping (text COPY)", async () => {
    const table = unique("existing");
    await withClient(url, (c) =>
      c.query(`CREATE TABLE "${table}" (id integer, name varchar(20), extra text DEFAULT 'd')`),
    );
    const report = await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([people([1, 2], ["a\tb", "ü\\"])]),
      store: () => pgStore(ctx, table),
      runType: "incremental",
    });
    expect(report.rows).toBe(2);
    expect((await rowsOf(url, table)).map((r) => [r.id, r.name, r.extra])).toEqual([
      [1, "a\tb", "d"],
      [2, "ü\\", "d"],
    ]);
  });

  it("merge without a primary key is a config error naming the table", async () => {
    const table = unique("nokey");
    const error = await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([people([1], ["a"])]),
      store: () => pgStore(ctx, table),
      runType: "merge",
    }).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    expect(String((error as Error).message)).toContain(table);
  });

  it("commits the watermark in the state table with the data, and if_exists: fail keeps a table", async () => {
    const table = unique("state");
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(sequenceBatches(8, 3)),
      store: () => pgStore(ctx, table),
      runType: "incremental",
      watermark: { column: "id", primaryKey: ["id"] },
    });
    const state = await withClient(
      url,
      async (c) =>
        (
          await c.query(
            "SELECT run_type, watermark FROM hygge_state WHERE flow = 'sqltest' AND entity = $1",
            [table],
          )
        ).rows,
    );
    expect(state).toEqual([
      { run_type: "incremental", watermark: expect.objectContaining({ value: "7", kind: "integer" }) },
    ]);
    const error = await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(sequenceBatches(2, 2)),
      store: () => pgStore(ctx, table, { if_exists: "fail" }),
    }).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
    expect((await rowsOf(url, table)).length).toBe(8);
  });

  it("a target table dropped by hand resets the resume point: the next incremental run reloads everything", async () => {
    const table = unique("dropped");
    const run = () =>
      runFlow({
        flow: "sqltest",
        entity: table,
        home: memoryHome(sequenceBatches(6, 3)),
        store: () => pgStore(ctx, table),
        runType: "incremental",
        watermark: { column: "id", primaryKey: ["id"] },
      });
    expect((await run()).rows).toBe(6);
    expect((await run()).rows).toBe(0);
    await withClient(url, (c) => c.query(`DROP TABLE "${table}"`));
    const again = await run();
    expect(again.rows).toBe(6);
    expect(again.since).toBeUndefined();
    expect((await rowsOf(url, table)).map((r) => String(r.id))).toEqual(["0", "1", "2", "3", "4", "5"]);
  });

  it("a state row of another table is no resume point: re-pointing an entity loads that table's history", async () => {
    const first = unique("repoint_a");
    const second = unique("repoint_b");
    const entity = unique("repoint");
    const run = (table: string) =>
      runFlow({
        flow: "sqltest",
        entity,
        home: memoryHome(sequenceBatches(5, 5)),
        store: () => pgStore(ctx, entity, { table }),
        runType: "incremental",
        watermark: { column: "id", primaryKey: ["id"] },
      });
    expect((await run(first)).rows).toBe(5);
    expect((await run(first)).rows).toBe(0);
    const moved = await run(second);
    expect(moved.since).toBeUndefined();
    expect(moved.rows).toBe(5);
    expect((await rowsOf(url, second)).length).toBe(5);
  });

  it("upgrades a state table created without the target column", async () => {
    const entity = unique("legacy");
    await withClient(url, async (c) => {
      await c.query("CREATE SCHEMA IF NOT EXISTS hygge_legacy_state");
      await c.query(
        "CREATE TABLE IF NOT EXISTS hygge_legacy_state.hygge_state (flow text NOT NULL, entity text NOT NULL, run_id text NOT NULL, run_type text NOT NULL, committed_at timestamptz NOT NULL, watermark jsonb, PRIMARY KEY (flow, entity))",
      );
    });
    try {
      const report = await runFlow({
        flow: "sqltest",
        entity,
        home: memoryHome(sequenceBatches(3, 3)),
        store: () => pgStore(ctx, entity, { table: `hygge_legacy_state.${entity}` }),
        runType: "incremental",
        watermark: { column: "id", primaryKey: ["id"] },
      });
      expect(report.rows).toBe(3);
      const state = await withClient(url, (c) =>
        c.query("SELECT target FROM hygge_legacy_state.hygge_state WHERE entity = $1", [entity]),
      );
      expect(state.rows).toEqual([{ target: `hygge_legacy_state.${entity}` }]);
    } finally {
      await withClient(url, (c) => c.query("DROP SCHEMA hygge_legacy_state CASCADE"));
    }
  });

  it("quotes identifiers: table and column names from config cannot inject SQL", async () => {
    const victim = unique("victim");
    await flow(victim);
    const evil = `x"; DROP TABLE "${victim}"; --`;
    const batch = batchOf({ 'id"); DROP TABLE x; --': vectorFromArray([1, 2], new Utf8() as never) });
    await runFlow({
      flow: "sqltest",
      entity: "evil",
      home: memoryHome([batch]),
      store: () => pgStore(ctx, evil, { table: evil }),
    });
    const rows = await withClient(url, async (c) => ({
      victim: (await c.query(`SELECT count(*)::int AS n FROM "${victim}"`)).rows[0].n,
      evil: (await c.query(`SELECT * FROM "${evil.replace(/"/g, '""')}"`)).rows,
    }));
    expect(rows.victim).toBe(10);
    expect(rows.evil).toEqual([{ 'id"); DROP TABLE x; --': "1" }, { 'id"); DROP TABLE x; --': "2" }]);
    await withClient(url, (c) => c.query(`DROP TABLE "${evil.replace(/"/g, '""')}"`));
  });

  it("writes the type matrix so that PostgreSQL itself reads the exact values", async () => {
    const { typeMatrix } = await import("@hygge/core/testing");
    const table = unique("matrix");
    await flow(table, [typeMatrix(["ts_ns"])]);
    const row = await withClient(
      url,
      async (c) =>
        (
          await c.query(
            `SELECT ${["int64", "decimal_38_10", "ts_us", "ts_us_utc", "date", "binary", "utf8", "float64", "list_int32", "struct"].map((c) => `"${c}"::text AS "${c}"`).join(", ")} FROM "${table}" WHERE id = 2`,
          )
        ).rows[0],
    );
    expect(row).toEqual({
      int64: "9223372036854775807",
      decimal_38_10: "-0.0000000001",
      ts_us: "2024-01-01 00:00:00.123456",
      ts_us_utc: "2024-01-01 00:00:00.123456+00",
      date: "2024-01-01",
      binary: "\\x",
      utf8: "",
      float64: "-1e+300",
      list_int32: "{}",
      struct: '{"a": null, "b": ""}',
    });
    const cols = await withClient(url, async (c) =>
      (
        await c.query(
          "SELECT column_name, format_type(atttypid, atttypmod) AS t FROM information_schema.columns JOIN pg_attribute ON attrelid = to_regclass(quote_ident($1)) AND attname = column_name WHERE table_name = $1 ORDER BY ordinal_position",
          [table],
        )
      ).rows.map((r) => `${r.column_name} ${r.t}`),
    );
    expect(cols).toContain("ts_ms timestamp(3) without time zone");
    expect(cols).toContain("decimal_9_2 numeric(9,2)");
    expect(cols).toContain("int8 smallint");
    expect(cols).toContain("float32 real");
    expect(cols).toContain("list_int32 integer[]");
    expect(cols).toContain("uuid uuid");
    expect(cols).toContain("json json");
    expect(toRows([typeMatrix(["ts_ns"])]).length).toBe(5);
  });

  it("refuses nanoseconds it would have to truncate, and loads whole microseconds", async () => {
    const { TimestampNanosecond } = await import("apache-arrow");
    const table = unique("ns");
    const ok = batchOf({ ts: int64Vector(new TimestampNanosecond(), [1_000n, 1704067200123456000n]) });
    await flow(table, [ok]);
    expect((await rowsOf(url, table, "ts")).length).toBe(2);
    const bad = batchOf({ ts: int64Vector(new TimestampNanosecond(), [1n]) });
    const error = await flow(table, [bad]).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.message).toContain('column "ts"');
    expect((await rowsOf(url, table, "ts")).length).toBe(2);
  });
});
