import { type FlowEvent, runFlow } from "@hygge/core";
import { MemoryBackend, memoryStore } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { pgExplain, pgTableStatistics, planRows, statisticsRows } from "../src/postgres/postgres-estimate.js";
import { dropOwnTables, pgHome, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

const signal = new AbortController().signal;
const full = { signal, flow: "sqltest", runType: "full_drop" as const };
const reltuples = (url: string, table: string) =>
  withClient(url, async (c) => {
    const { rows } = await c.query(
      "SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass($1)",
      [table],
    );
    return Number(rows[0].n);
  });
const countRows = (url: string, sql: string) =>
  withClient(url, async (c) =>
    Number((await c.query(`SELECT count(*)::int AS n FROM (${sql}) s`)).rows[0].n),
  );
/** Rows (id 1..n, ts one minute apart back from 2026-01-01), ANALYZEd. */
const seedTable = (url: string, table: string, n: number) =>
  withClient(url, async (c) => {
    await c.query(`CREATE TABLE "${table}" (id integer PRIMARY KEY, ts timestamptz NOT NULL, note text)`);
    await c.query(
      `INSERT INTO "${table}" SELECT g, timestamptz '2026-01-01 00:00:00+00' - (${n} - g) * interval '1 minute', 'row ' || g FROM generate_series(1, $1) g`,
      [n],
    );
    await c.query(`ANALYZE "${table}"`);
  });

describe("PostgreSQL row estimate: SQL text and parsing (no server)", () => {
  it("reads pg_class statistics of the quoted table, summing a partitioned table's leaves", () => {
    const s = pgTableStatistics({ schema: "sales", name: 'or"ders' });
    expect(s.params).toEqual(['"sales"."or""ders"']);
    expect(s.text).toContain("c.reltuples");
    expect(s.text).toContain("pg_partition_tree(c.oid)");
    expect(s.text).not.toMatch(/count\(/i);
  });

  it("asks the planner about the very statement read runs, with its parameters", () => {
    const s = pgExplain({ text: 'SELECT * FROM "t" WHERE "id" >= $1', params: ["5"] });
    expect(s).toEqual({ text: 'EXPLAIN (FORMAT JSON) SELECT * FROM "t" WHERE "id" >= $1', params: ["5"] });
  });

  it("maps the answers: a plan's rows, reltuples, and no estimate when the statistics cannot tell", () => {
    expect(planRows({ "QUERY PLAN": [{ Plan: { "Plan Rows": 10086 } }] })).toBe(10086);
    expect(planRows({ "QUERY PLAN": '[{"Plan": {"Plan Rows": 42.4}}]' })).toBe(42);
    expect(planRows({ "QUERY PLAN": [{}] })).toBeUndefined();
    expect(planRows(undefined)).toBeUndefined();
    expect(statisticsRows({ kind: "r", reltuples: 1000 })).toBe(1000);
    expect(statisticsRows({ kind: "r", reltuples: -1 })).toBeUndefined(); // never analyzed
    expect(statisticsRows({ kind: "p", reltuples: null })).toBeUndefined(); // no leaf
    expect(statisticsRows(undefined)).toBeUndefined();
  });
});

describe.each(postgresServers())("PostgreSQL row estimate ($label)", ({ url }) => {
  const ctx = testContext(url);
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });

  it("a table's estimate is its statistics (reltuples), not a count", async () => {
    const table = unique("est");
    await seedTable(url, table, 1000);
    // Rows added after ANALYZE (fewer than autovacuum's threshold): a count would see them.
    await withClient(url, (c) =>
      c.query(`INSERT INTO "${table}" SELECT g, now(), 'late' FROM generate_series(1001, 1020) g`),
    );
    const estimate = await pgHome(ctx, table).estimateRows!({ ...full, entity: table });
    expect(estimate).toBe(await reltuples(url, table));
    expect(estimate).toBe(1000); // ANALYZE of a small table samples every row
    expect(await countRows(url, `SELECT * FROM "${table}"`)).toBe(1020);
  });

  it("a table never analyzed has no estimate (PostgreSQL's guess assumes 10 pages)", async () => {
    const table = unique("never");
    await withClient(url, (c) =>
      c.query(`CREATE TABLE "${table}" (id integer); INSERT INTO "${table}" VALUES (1), (2), (3)`),
    );
    expect(await reltuples(url, table)).toBe(-1);
    expect(await pgHome(ctx, table).estimateRows!({ ...full, entity: table })).toBeUndefined();
  });

  it("a partitioned table sums its partitions' statistics", async () => {
    const table = unique("parts");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id integer) PARTITION BY RANGE (id)`);
      await c.query(`CREATE TABLE "${table}_a" PARTITION OF "${table}" FOR VALUES FROM (0) TO (500)`);
      await c.query(`CREATE TABLE "${table}_b" PARTITION OF "${table}" FOR VALUES FROM (500) TO (1000)`);
      await c.query(`INSERT INTO "${table}" SELECT generate_series(0, 799)`);
      await c.query(`ANALYZE "${table}"`);
    });
    const parts = (await reltuples(url, `${table}_a`)) + (await reltuples(url, `${table}_b`));
    expect(parts).toBe(800);
    expect(await pgHome(ctx, table).estimateRows!({ ...full, entity: table })).toBe(parts);
  });

  it("a query's estimate is the planner's, within a tolerance of the true count", async () => {
    const table = unique("q");
    await seedTable(url, table, 2000);
    const query = `SELECT id, note FROM "${table}" WHERE id <= 600`;
    const home = pgHome(ctx, table, { table: undefined, query });
    const estimate = await home.estimateRows!({ ...full, entity: table });
    const planned = await withClient(url, async (c) =>
      planRows((await c.query(`EXPLAIN (FORMAT JSON) SELECT * FROM (${query}) AS hygge_source`)).rows[0]),
    );
    expect(estimate).toBe(planned);
    expect(Math.abs(estimate! - 600)).toBeLessThanOrEqual(60);
  });

  it("an incremental read from a watermark is estimated as filtered, not as the whole table", async () => {
    const table = unique("wm");
    await seedTable(url, table, 5000);
    const since = { column: "ts", kind: "timestamp" as const, unit: "us" as const, timezone: "UTC" };
    // 2026-01-01 minus 500 minutes, in epoch microseconds: rows 4500..5000 (501 rows).
    const from = BigInt(Date.UTC(2026, 0, 1) - 500 * 60_000) * 1000n;
    const read = {
      ...full,
      entity: table,
      runType: "incremental" as const,
      watermark: { column: "ts", primaryKey: ["id"], since: { ...since, value: String(from) } },
    };
    const estimate = await pgHome(ctx, table).estimateRows!(read);
    const truth = await countRows(
      url,
      `SELECT * FROM "${table}" WHERE ts >= timestamptz '2026-01-01 00:00:00+00' - interval '500 minutes'`,
    );
    expect(truth).toBe(501);
    expect(Math.abs(estimate! - truth)).toBeLessThanOrEqual(100);
    // Without a committed watermark yet, the incremental run reads (and estimates) the whole table.
    const first = await pgHome(ctx, table).estimateRows!({
      ...read,
      watermark: { column: "ts", primaryKey: ["id"] },
    });
    expect(first).toBe(5000);
  });

  it("a view gets the planner's estimate (it has no statistics of its own)", async () => {
    const table = unique("vsrc");
    await seedTable(url, table, 1000);
    const view = `${table}_v`;
    await withClient(url, (c) => c.query(`CREATE VIEW "${view}" AS SELECT * FROM "${table}" WHERE id > 900`));
    try {
      const estimate = await pgHome(ctx, view).estimateRows!({ ...full, entity: view });
      expect(Math.abs(estimate! - 100)).toBeLessThanOrEqual(20);
    } finally {
      await withClient(url, (c) => c.query(`DROP VIEW "${view}"`));
    }
  });

  it("the engine announces the estimate with the start event (the CLI's bar and ETA)", async () => {
    const table = unique("ev");
    await seedTable(url, table, 1500);
    const events: FlowEvent[] = [];
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: pgHome(ctx, table),
      store: memoryStore(new MemoryBackend(), table),
      onEvent: (e) => events.push(e),
    });
    const start = events.find((e) => e.type === "start");
    expect(start?.estimatedRows).toBe(1500);
    expect(events.at(-1)?.rows).toBe(1500);
  });
});
