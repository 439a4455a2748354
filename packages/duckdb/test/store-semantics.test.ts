import { type HyggeError, isHyggeError, runFlow } from "@hygge/core";
import { batchOf, int64Vector, memoryHome, sequenceBatches } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Int32, Int64, Utf8, vectorFromArray } from "apache-arrow";
import { duckdbStore } from "../src/store/definition.js";
import { duckStore, rows, storeContext, tempProject, withConnection } from "./store-helpers.js";

const ctx = storeContext(tempProject(), "sem");
afterAll(() => ctx.resources.closeAll());
const sql = (text: string) => withConnection(ctx, (c) => rows(c, text));
const flow = (entity: string, batches: ReturnType<typeof sequenceBatches>, extra: object = {}) =>
  runFlow({ flow: "sem", entity, home: memoryHome(batches), store: () => duckStore(ctx, entity), ...extra });
const ids = async (entity: string) =>
  (await sql(`SELECT id FROM raw.${entity} ORDER BY id`)).map((r) => Number(r.id));
const kv = (pairs: [bigint, string | null][]) =>
  batchOf({
    id: int64Vector(
      new Int64(),
      pairs.map(([k]) => k),
    ),
    v: vectorFromArray(
      pairs.map(([, v]) => v),
      new Utf8(),
    ),
  });

describe("DuckDB store: run types and state", () => {
  it("full_drop replaces, incremental appends, and the state row is committed with the data", async () => {
    const watermark = { column: "id", primaryKey: ["id"] };
    await flow("orders", sequenceBatches(5, 2), { watermark });
    await flow("orders", sequenceBatches(3, 2, 100), { watermark });
    expect(await ids("orders")).toEqual([100, 101, 102]);
    const report = await flow("orders", sequenceBatches(110, 7, 100), { runType: "incremental", watermark });
    expect(report.rows).toBe(107);
    expect(await ids("orders")).toEqual(Array.from({ length: 110 }, (_, i) => 100 + i));
    const [state] = await sql(
      `SELECT run_id, run_type, target, watermark::VARCHAR AS w, "schema"::VARCHAR AS s FROM raw.hygge_state WHERE flow = 'sem' AND entity = 'orders'`,
    );
    expect(state?.run_type).toBe("incremental");
    expect(state?.target).toBe("raw.orders");
    expect(JSON.parse(String(state?.w))).toMatchObject({ column: "id", value: "209" });
    expect(JSON.parse(String(state?.s)).map((c: { name: string }) => c.name)).toEqual([
      "id",
      "name",
      "amount",
    ]);
    const committed = await duckStore(ctx, "orders").committedState?.();
    expect(committed?.runId).toBe(state?.run_id);
    expect(committed?.watermark?.value).toBe("209");
  });

  it("merge upserts by primary key (the last row of a key in a run wins) and needs a primary key", async () => {
    const merge = (pairs: [bigint, string | null][]) =>
      runFlow({
        flow: "sem",
        entity: "customers",
        home: memoryHome([kv(pairs)]),
        store: () => duckStore(ctx, "customers"),
        runType: "merge",
        primaryKey: ["id"],
      });
    await merge([
      [1n, "a"],
      [2n, "b"],
      [3n, "c"],
    ]);
    await merge([
      [2n, "B1"],
      [4n, "d"],
      [2n, "B2"],
      [3n, null],
    ]);
    expect(await sql("SELECT id::INTEGER AS id, v FROM raw.customers ORDER BY id")).toEqual([
      { id: 1, v: "a" },
      { id: 2, v: "B2" },
      { id: 3, v: null },
      { id: 4, v: "d" },
    ]);
    const error = (await runFlow({
      flow: "sem",
      entity: "customers",
      home: memoryHome([kv([[9n, "x"]])]),
      store: () => duckStore(ctx, "customers"),
      runType: "merge",
    }).catch((e: unknown) => e)) as HyggeError;
    expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    expect(error.message).toMatch(/primary_key/);
    expect((await sql("SELECT count(*)::INTEGER AS n FROM raw.customers"))[0]?.n).toBe(4);
  });

  it("full_drop refuses a table hygge did not create unless replace_existing: true", async () => {
    await sql("CREATE SCHEMA IF NOT EXISTS raw");
    await sql("CREATE TABLE raw.foreign_t AS SELECT 42 AS answer, 'keep me' AS note");
    const error = (await flow("foreign_t", sequenceBatches(3, 3)).catch((e: unknown) => e)) as HyggeError;
    expect(error.code).toBe("STORE_WRITE_FAILED");
    expect(error.message).toMatch(
      /raw\.foreign_t .*warehouse\.duckdb.*not created by hygge.*1 row in 2 columns/s,
    );
    expect(await sql("SELECT * FROM raw.foreign_t")).toEqual([{ answer: 42, note: "keep me" }]);
    await runFlow({
      flow: "sem",
      entity: "foreign_t",
      home: memoryHome(sequenceBatches(3, 3)),
      store: () => duckStore(ctx, "foreign_t", { replace_existing: true }),
    });
    expect(await ids("foreign_t")).toEqual([0, 1, 2]);
    // From now on the table is hygge's: a full_drop without the option replaces it.
    await flow("foreign_t", sequenceBatches(1, 1, 7));
    expect(await ids("foreign_t")).toEqual([7]);
  });

  it("evolve adds and widens columns in the run's transaction, never narrowing a wider column", async () => {
    const watermark = { column: "id", primaryKey: ["id"] };
    const batch = (id: number, qty: Int32 | Int64, value: number | bigint) =>
      batchOf({
        id: vectorFromArray([id], new Int32()),
        qty: qty instanceof Int64 ? int64Vector(qty, [BigInt(value)]) : vectorFromArray([Number(value)], qty),
      });
    const run = (b: ReturnType<typeof batch>, entity: string) =>
      runFlow({
        flow: "sem",
        entity,
        home: memoryHome([b]),
        store: () => duckStore(ctx, entity),
        runType: "incremental",
        watermark,
      });
    await run(batch(1, new Int32(), 5), "stock");
    const second = await run(batch(2, new Int64(), 2n ** 40n), "stock");
    expect(second.schemaChange?.widened).toEqual([{ name: "qty", from: "int32", to: "int64" }]);
    expect(await sql("SELECT id, qty::VARCHAR AS qty, typeof(qty) AS t FROM raw.stock ORDER BY id")).toEqual([
      { id: 1, qty: "5", t: "BIGINT" },
      { id: 2, qty: "1099511627776", t: "BIGINT" },
    ]);
    // A column widened by hand beyond what the source needs stays as it is.
    await run(batch(1, new Int32(), 5), "stock2");
    await sql("ALTER TABLE raw.stock2 ALTER COLUMN qty SET DATA TYPE HUGEINT");
    await run(batch(2, new Int64(), 7n), "stock2");
    expect(await sql("SELECT DISTINCT typeof(qty) AS t FROM raw.stock2")).toEqual([{ t: "HUGEINT" }]);
  });

  it("two entities writing tables of the same file at once both commit", async () => {
    const [a, b] = await Promise.all([
      flow("left", sequenceBatches(20_000, 500)),
      flow("right", sequenceBatches(30_000, 700)),
    ]);
    expect([a.rows, b.rows]).toEqual([20_000, 30_000]);
    expect(
      await sql(
        "SELECT (SELECT count(*) FROM raw.left)::INTEGER AS l, (SELECT count(*) FROM raw.right)::INTEGER AS r",
      ),
    ).toEqual([{ l: 20_000, r: 30_000 }]);
    expect(
      await sql("SELECT entity FROM raw.hygge_state WHERE entity IN ('left', 'right') ORDER BY 1"),
    ).toEqual([{ entity: "left" }, { entity: "right" }]);
  });

  it("abort() while a write is in flight cancels it and leaves the table and state as before", async () => {
    await flow("busy", sequenceBatches(10, 10));
    const before = await sql("SELECT * FROM raw.busy ORDER BY id");
    const state = await sql("SELECT run_id FROM raw.hygge_state WHERE entity = 'busy'");
    const store = duckStore(ctx, "busy");
    await store.open({
      signal: new AbortController().signal,
      flow: "sem",
      entity: "busy",
      runId: "r-abort",
      runType: "full_drop",
    });
    await store.write(sequenceBatches(1000, 1000, 500)[0]!);
    const inFlight = store.write(sequenceBatches(300_000, 300_000, 5000)[0]!);
    await store.abort(new Error("stop"));
    const outcome = await inFlight.then(
      () => "finished",
      (e: unknown) => (isHyggeError(e) ? e.code : String(e)),
    );
    expect(outcome).toBe("ABORTED");
    await store.close?.();
    expect(await sql("SELECT * FROM raw.busy ORDER BY id")).toEqual(before);
    expect(await sql("SELECT run_id FROM raw.hygge_state WHERE entity = 'busy'")).toEqual(state);
    expect(await sql("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'hygge_stg%'")).toEqual(
      [],
    );
  });

  it("sync_all_columns drops a column the source no longer sends, in the run's transaction", async () => {
    const watermark = { column: "id", primaryKey: ["id"] };
    const run = (b: ReturnType<typeof kv>, onSchemaChange?: "sync_all_columns") =>
      runFlow({
        flow: "sem",
        entity: "synced",
        home: memoryHome([b]),
        store: () => duckStore(ctx, "synced"),
        runType: "incremental",
        watermark,
        ...(onSchemaChange ? { onSchemaChange } : {}),
      });
    await run(kv([[1n, "a"]]));
    const only = batchOf({ id: int64Vector(new Int64(), [2n]) });
    const report = await run(only as ReturnType<typeof kv>, "sync_all_columns");
    expect(report.schemaChange?.dropped).toEqual([{ name: "v", type: "string" }]);
    expect(await sql("SELECT * FROM raw.synced ORDER BY id")).toEqual([{ id: 1n }, { id: 2n }]);
  });

  it("refuses a merge of a column named rowid (DuckDB's load order), writing nothing", async () => {
    const batch = batchOf({ id: int64Vector(new Int64(), [1n]), rowid: vectorFromArray([5], new Int32()) });
    const error = (await runFlow({
      flow: "sem",
      entity: "rowids",
      home: memoryHome([batch]),
      store: () => duckStore(ctx, "rowids"),
      runType: "merge",
      primaryKey: ["id"],
    }).catch((e: unknown) => e)) as HyggeError;
    expect(error.code).toBe("SCHEMA_MISMATCH");
    expect(error.message).toMatch(/"rowid"/);
    expect(await sql("SELECT table_name FROM duckdb_tables() WHERE table_name = 'rowids'")).toEqual([]);
  });

  it("options are strict, described, and refuse an in-memory database; check() reports the table", async () => {
    const parse = (o: object) => duckdbStore.options.safeParse(o);
    expect(parse({ path: "w.duckdb", table: "t" }).data).toEqual({
      path: "w.duckdb",
      table: "t",
      replace_existing: false,
    });
    expect(parse({ path: ":memory:", table: "t" }).success).toBe(false);
    expect(parse({ path: "w.duckdb", table: "t", tabel: "x" }).success).toBe(false);
    expect(
      duckdbStore.describe?.(
        { path: "w.duckdb", table: "raw.{entity}", replace_existing: false },
        { ...ctx, entity: "e" },
      ),
    ).toBe(`duckdb table raw.e in ${ctx.projectDir}/w.duckdb`);
    expect(await duckStore(ctx, "foreign_t").check?.()).toEqual([
      { ok: true, subject: `${ctx.projectDir}/warehouse.duckdb:raw.foreign_t`, message: "table exists" },
    ]);
    await sql("CREATE TABLE raw.not_ours AS SELECT 1 AS x");
    expect((await duckStore(ctx, "not_ours").check?.())?.[0]?.message).toMatch(/hygge did not create it/);
  });

  it("abort() while commit's statements run interrupts them before the commit point: nothing is published", async () => {
    const merge = { runType: "merge" as const, primaryKey: ["id"] };
    await flow("late", sequenceBatches(300_000, 50_000), merge);
    const before = await sql("SELECT count(*)::INTEGER AS n, sum(amount) AS s FROM raw.late");
    const state = await sql("SELECT run_id FROM raw.hygge_state WHERE entity = 'late'");
    const store = duckStore(ctx, "late");
    const signal = new AbortController().signal;
    await store.open({ signal, flow: "sem", entity: "late", runId: "r-late", ...merge });
    for (const b of sequenceBatches(300_000, 50_000, 150_000)) await store.write(b);
    const committing = store.commit({
      runId: "r-late",
      runType: "merge",
      flow: "sem",
      entity: "late",
      committedAt: new Date().toISOString(),
    });
    await store.abort(new Error("stop"));
    const outcome = await committing.then(
      () => "committed",
      (e: unknown) => (isHyggeError(e) ? e.code : String(e)),
    );
    await store.close?.();
    expect(outcome).toBe("ABORTED");
    expect(await sql("SELECT count(*)::INTEGER AS n, sum(amount) AS s FROM raw.late")).toEqual(before);
    expect(await sql("SELECT run_id FROM raw.hygge_state WHERE entity = 'late'")).toEqual(state);
  });
});
