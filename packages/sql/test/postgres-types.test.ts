import { isHyggeError, runFlow } from "@hygge/core";
import { afterAll, describe, expect, it } from "@jest/globals";
import type { List } from "apache-arrow";
import {
  dropOwnTables,
  tableDump as dump,
  pgHome,
  pgStore,
  readAll,
  unique,
  withClient,
} from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

const COLUMNS = `id int PRIMARY KEY, u uuid, j json, jb jsonb, ta text[], i4a int4[], i8a int8[],
  na numeric(38,10)[], ba bool[], tza timestamptz[], ua uuid[], jba jsonb[], iv interval, iva interval[], t0 time(0), t3 time(3), t6 time[]`;

/** Rows with nulls, null elements, empty arrays, extremes, and intervals of mixed sign. */
const VALUES = (offset: number) => `
  (${offset + 1}, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{ "b" : 1,  "a": [true, null], "a": 2 }', '{"z": 1, "a": {"n": 12345678901234567890.5}}',
   '{"x","","ü 🚀","with \\"quote\\" and \\\\ backslash","NULL",NULL}', '{-2147483648,2147483647,NULL,0}',
   '{-9223372036854775808,9223372036854775807}', '{9999999999999999999999999999.9999999999,-0.0000000001,NULL,0}',
   '{t,f,NULL}', '{"2024-01-01 00:00:00.000001+00","0001-01-01 00:00:00+00 BC",NULL}',
   '{00000000-0000-0000-0000-000000000000,ffffffff-ffff-ffff-ffff-ffffffffffff}', ARRAY['{"k": [1, 2]}'::jsonb, NULL],
   '1 year 2 mons 3 days 04:05:06.789', '{"-1 year -2 mons +3 days -04:05:06.000001","0",NULL}',
   '23:59:59', '00:00:00.001', '{23:59:59.999999,NULL}'),
  (${offset + 2}, NULL, NULL, NULL, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '-00:00:00.000001', '{}', NULL, NULL, '{}'),
  (${offset + 3}, '123e4567-e89b-12d3-a456-426614174000', '[]', 'null', '{NULL}', '{NULL}', NULL, NULL, NULL, NULL, NULL, NULL,
   '-178000000 years -2147483647 days +2562047:47:16.854775', NULL, '00:00:00', '24:00:00', NULL)`;

describe.each(postgresServers())("PostgreSQL types ($label)", ({ url }) => {
  const ctx = testContext(url);
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });

  it("uuid, json, jsonb, 1-D arrays and intervals come back as the same types and values (COPY and cursor reads)", async () => {
    const source = unique("types_src");
    const target = unique("types_dst");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${source}" (${COLUMNS})`);
      await c.query(`INSERT INTO "${source}" VALUES ${VALUES(0)}`);
    });
    const run = () =>
      runFlow({
        flow: "sqltest",
        entity: target,
        home: () => pgHome(ctx, target, { table: source }),
        store: () => pgStore(ctx, target, { table: target }),
        runType: "incremental",
        watermark: { column: "id", primaryKey: ["id"] },
      });
    // First run: no watermark yet, binary COPY. Second: a bound parameter, the cursor path.
    expect((await run()).rows).toBe(3);
    await withClient(url, (c) => c.query(`INSERT INTO "${source}" VALUES ${VALUES(3)}`));
    const second = await run();
    expect(second.since?.value).toBe("3");
    expect(second.rows).toBe(3);
    const [a, b] = [await dump(url, source), await dump(url, target)];
    expect(b.types).toEqual(a.types);
    expect(b.rows).toEqual(a.rows);
    expect(b.rows).toHaveLength(6);
    // json text is kept byte for byte (spacing, key order, duplicate keys).
    expect(b.rows[0]).toContain('{ ""b"" : 1,  ""a"": [true, null], ""a"": 2 }');
  });

  it("reads arrays as Arrow lists with their element types and null elements", async () => {
    const table = unique("types_arrow");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (${COLUMNS})`);
      await c.query(`INSERT INTO "${table}" VALUES ${VALUES(0)}`);
    });
    const [batch] = await readAll(
      pgHome(ctx, table, { query: "SELECT * FROM {entity} ORDER BY id", table: undefined }),
      table,
    );
    const types = Object.fromEntries(batch!.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({
      ta: "List<Utf8>",
      i4a: "List<Int32>",
      i8a: "List<Int64>",
      na: "List<Decimal[38e+10]>",
      ba: "List<Bool>",
      tza: "List<Timestamp<MICROSECOND, UTC>>",
      ua: "List<FixedSizeBinary[16]>",
      iv: "Interval<MONTH_DAY_NANO>",
      t0: "Time32<SECOND>",
      t3: "Time32<MILLISECOND>",
      t6: "List<Time64<MICROSECOND>>",
    });
    expect([0, 1, 2].map((i) => batch!.getChild("t3")!.data[0]!.values[i])).toEqual([1, 0, 86_400_000]);
    const ta = batch!.getChild("ta")!;
    expect([...(ta.get(0) as Iterable<unknown>)]).toEqual([
      "x",
      "",
      "ü 🚀",
      'with "quote" and \\ backslash',
      "NULL",
      null,
    ]);
    expect([...(ta.get(1) as Iterable<unknown>)]).toEqual([]);
    expect(ta.get(2)).not.toBeNull();
    expect([...(batch!.getChild("i8a")!.get(0) as Iterable<unknown>)]).toEqual([
      -9223372036854775808n,
      9223372036854775807n,
    ]);
    expect(batch!.getChild("i8a")!.get(2)).toBeNull();
    const ua = batch!.schema.fields.find((f) => f.name === "ua")!;
    expect((ua.type as List).children[0]!.metadata.get("ARROW:extension:name")).toBe("arrow.uuid");
    // interval: months, days and nanoseconds kept apart, exact (µs × 1000).
    const iv = batch!.getChild("iv")!.data[0]!.values as Int32Array;
    const words = (i: number) => {
      const v = new DataView(iv.buffer, iv.byteOffset + i * 16, 16);
      return [v.getInt32(0, true), v.getInt32(4, true), v.getBigInt64(8, true)];
    };
    expect(words(0)).toEqual([14, 3, (4n * 3600n + 5n * 60n + 6n) * 1_000_000_000n + 789_000_000n]);
    expect(words(1)).toEqual([0, 0, -1000n]);
    expect(words(2)).toEqual([-178000000 * 12, -2147483647, 9223372036854775000n]);
  });

  it("refuses a multi-dimensional array, naming the column, on both read paths", async () => {
    const table = unique("types_md");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id int, m int[])`);
      await c.query(`INSERT INTO "${table}" VALUES (1, '{1,2}'), (2, '{{1,2},{3,4}}')`);
    });
    // Without a watermark the home reads through binary COPY; with one bound, through the cursor.
    for (const since of [undefined, { column: "id", kind: "integer" as const, value: "0" }]) {
      const home = pgHome(ctx, table);
      const error = await (async () => {
        const signal = new AbortController().signal;
        const watermark = since ? { watermark: { column: "id", primaryKey: ["id"], since } } : {};
        for await (const _ of home.read({
          signal,
          flow: "sqltest",
          entity: table,
          runType: "incremental",
          ...watermark,
        })) {
          // drain
        }
      })().catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
      expect((error as Error).message).toContain('column "m" holds a 2-dimensional array');
    }
  });

  it("refuses unconstrained numeric and money with the cast to use", async () => {
    const table = unique("types_num");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id int, amount numeric, cash money, wide numeric(80,2))`);
      await c.query(`INSERT INTO "${table}" VALUES (1, 1.5, 2, 3)`);
    });
    const cases: [string, string, string][] = [
      ["amount", "numeric (no precision and scale)", "amount::numeric(38,10)"],
      ["cash", "money", "cash::numeric(19,2)"],
      ["wide", "numeric(80,2)", "wide::numeric(76,2)"],
    ];
    for (const [column, type, cast] of cases) {
      const error = await readAll(pgHome(ctx, table, { columns: ["id", column] }), table).catch(
        (e: unknown) => e,
      );
      expect(isHyggeError(error) && error.code).toBe("SCHEMA_MISMATCH");
      expect((error as Error).message).toContain(`column "${column}" has PostgreSQL type ${type}`);
      expect((error as { hint?: string }).hint).toContain(cast);
    }
  });

  it("refuses an interval whose time part exceeds Arrow's 64-bit nanoseconds", async () => {
    const table = unique("types_ivmax");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id int, iv interval)`);
      await c.query(`INSERT INTO "${table}" VALUES (1, '2562047:47:16.854776')`);
    });
    const error = await readAll(pgHome(ctx, table), table).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
    expect((error as Error).message).toContain('column "iv" holds an interval of 9223372036854776µs');
  });
});
