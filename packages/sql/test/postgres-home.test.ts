import { formatUuid, isHyggeError, runFlow, toRows } from "@hygge/core";
import { MemoryBackend, memoryStore } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import plugin from "../src/index.js";
import { dropOwnTables, pgHome, readAll, unique, withClient } from "./pg-helpers.js";
import { connectionFromUrl, postgresServers, testContext } from "./servers.js";

const types = (batches: RecordBatch[]) => batches[0]!.schema.fields.map((f) => `${f.name}:${f.type}`);

describe.each(postgresServers())("PostgreSQL home ($label)", ({ url, checksPasswords }) => {
  const ctx = testContext(url);
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });

  it("reads every supported PostgreSQL type into the exact Arrow type and value", async () => {
    const table = unique("types");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (
        id integer, i2 smallint, i8 bigint, n numeric(38,10), n0 numeric(5,0), n60 numeric(60,5), r real, d double precision,
        b boolean, t text, vc varchar(10), ch char(3), by bytea, dt date, tm time(6), ts0 timestamp(0), ts3 timestamp(3),
        ts6 timestamp, tz timestamptz, u uuid, j json, jb jsonb, x xml)`);
      await c.query(`INSERT INTO "${table}" VALUES
        (1, -32768, -9223372036854775808, '-1234567890123456789012345678.0123456789', 99999, '-1234567890123456789012345678901234567890123456789012345.00001', 3.25, 1e308,
         true, 'ünï
tab	', 'abc', 'x', '\\x00ff', '0001-01-01 BC', '23:59:59.999999', '2024-02-29 12:00:01', '1969-12-31 23:59:59.999',
         '2024-01-01 00:00:00.000001', '2024-06-01 12:00:00.5+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}', '{"b": [1, 2]}', '<a>x</a>'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    });
    const got = await readAll(
      pgHome(ctx, table, { query: `SELECT * FROM {entity} ORDER BY id`, table: undefined }),
      table,
    );
    expect(types(got)).toEqual([
      "id:Int32",
      "i2:Int16",
      "i8:Int64",
      "n:Decimal[38e+10]",
      "n0:Decimal[5e0]",
      "n60:Decimal[60e+5]",
      "r:Float32",
      "d:Float64",
      "b:Bool",
      "t:Utf8",
      "vc:Utf8",
      "ch:Utf8",
      "by:Binary",
      "dt:Date32<DAY>",
      "tm:Time64<MICROSECOND>",
      "ts0:Timestamp<SECOND>",
      "ts3:Timestamp<MILLISECOND>",
      "ts6:Timestamp<MICROSECOND>",
      "tz:Timestamp<MICROSECOND, UTC>",
      "u:FixedSizeBinary[16]",
      "j:Utf8",
      "jb:Utf8",
      "x:Utf8",
    ]);
    const [row, empty] = toRows(got);
    expect(row).toEqual({
      id: 1,
      i2: -32768,
      i8: "-9223372036854775808",
      n: "-1234567890123456789012345678.0123456789",
      n0: "99999",
      n60: "-1234567890123456789012345678901234567890123456789012345.00001",
      r: 3.25,
      d: 1e308,
      b: true,
      t: "ünï\ntab\t",
      vc: "abc",
      ch: "x  ",
      by: expect.anything(),
      dt: expect.anything(),
      tm: expect.anything(),
      ts0: expect.anything(),
      ts3: expect.anything(),
      ts6: expect.anything(),
      tz: expect.anything(),
      u: expect.anything(),
      j: '{"a": 1}',
      jb: '{"b": [1, 2]}',
      x: "<a>x</a>",
    });
    const b = got[0]!;
    const raw = (name: string) => (b.getChild(name)!.data[0]!.values as BigInt64Array | Int32Array)[0];
    expect(Array.from(b.getChild("by")!.get(0) as Uint8Array)).toEqual([0, 255]);
    expect(formatUuid(b.getChild("u")!.get(0) as Uint8Array)).toBe("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    const meta = (name: string) => Object.fromEntries(b.schema.fields.find((f) => f.name === name)!.metadata);
    expect(meta("u")).toEqual({ "ARROW:extension:name": "arrow.uuid" });
    expect(meta("j")).toEqual({ "ARROW:extension:name": "arrow.json", "hygge.postgres.type": "json" });
    expect(meta("jb")).toEqual({ "ARROW:extension:name": "arrow.json", "hygge.postgres.type": "jsonb" });
    expect(raw("dt")).toBe(-719528); // 1 BC = astronomical year 0
    expect(raw("tm")).toBe(86_399_999_999n);
    expect(raw("ts0")).toBe(1709208001n);
    expect(raw("ts3")).toBe(-1n);
    expect(raw("ts6")).toBe(1704067200000001n);
    expect(raw("tz")).toBe(1717236000500000n); // 12:00:00.5+02 = 10:00:00.5 UTC
    expect(Object.values(empty!).filter((v) => v !== null)).toEqual([2]);
  });

  it("names the column and type of an unsupported column", async () => {
    const table = unique("unsupported");
    await withClient(url, (c) => c.query(`CREATE TABLE "${table}" (id int, span int4range)`));
    const error = await readAll(pgHome(ctx, table), table).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("SCHEMA_MISMATCH");
    expect((error as Error).message).toContain('column "span"');
    expect((error as Error).message).toContain("int4range");
    expect((error as { hint?: string }).hint).toContain("span::text");
  });

  it("reads only the configured columns, from a table named with {entity}", async () => {
    const table = unique("cols");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id int, "we""ird" text, secret text)`);
      await c.query(`INSERT INTO "${table}" VALUES (1, 'w', 's')`);
    });
    const got = await readAll(pgHome(ctx, table, { columns: ["id", 'we"ird'] }), table);
    expect(toRows(got)).toEqual([{ id: 1, 'we"ird': "w" }]);
  });

  it("incremental: rows sharing the boundary value that arrive later are neither lost nor duplicated", async () => {
    const source = unique("src");
    const target = unique("dst");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${source}" (id int PRIMARY KEY, updated_at timestamptz(6), v text)`);
      await c.query(
        `INSERT INTO "${source}" VALUES (1, '2024-01-01 00:00:00+00', 'a'), (2, '2024-01-02 00:00:00.000001+00', 'b'), (3, '2024-01-02 00:00:00.000001+00', 'c')`,
      );
    });
    const run = () =>
      runFlow({
        flow: "sqltest",
        entity: target,
        home: () => pgHome(ctx, target, { table: source, batch_size: 2 }),
        store: () =>
          plugin.stores.postgres.create(
            plugin.stores.postgres.options.parse({ connection: "warehouse", table: target }),
            { ...ctx, entity: target },
          ),
        runType: "incremental",
        watermark: { column: "updated_at", primaryKey: ["id"] },
      });
    expect((await run()).rows).toBe(3);
    // Committed after the first run, with the same timestamp as the watermark: must still arrive.
    await withClient(url, (c) =>
      c.query(
        `INSERT INTO "${source}" VALUES (4, '2024-01-02 00:00:00.000001+00', 'late'), (5, '2024-01-03 00:00:00+00', 'new'), (0, '2023-01-01 00:00:00+00', 'old')`,
      ),
    );
    const second = await run();
    expect(second.rows).toBe(2);
    expect(second.since?.value).toBe("1704153600000001");
    const ids = await withClient(url, async (c) =>
      (await c.query(`SELECT id FROM "${target}" ORDER BY id`)).rows.map((r) => r.id),
    );
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect((await run()).rows).toBe(0);
  });

  it("a terminated backend mid-read is a transient error (the engine retries the entity)", async () => {
    const table = unique("terminate");
    // Far more rows than socket buffers hold: the server is still sending when its backend dies.
    // (a recursive CTE streams; generate_series would materialise every row before the first one)
    const query =
      "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 5000000) SELECT g AS id, pg_backend_pid() AS pid FROM s";
    const home = pgHome(ctx, table, { batch_size: 1000, query, table: undefined });
    let pid: number | undefined;
    const error = await (async () => {
      for await (const batch of home.read({
        signal: new AbortController().signal,
        flow: "sqltest",
        entity: table,
        runType: "full_drop",
      })) {
        if (pid === undefined) {
          pid = batch.getChild("pid")!.get(0) as number;
          await withClient(url, (c) => c.query("SELECT pg_terminate_backend($1)", [pid]));
        }
      }
    })().catch((e: unknown) => e);
    expect(isHyggeError(error) && error.transient).toBe(true);
    expect((error as Error).message).toContain('connection "warehouse"');
  });

  it("an unreachable server fails with the connection's name and no password", async () => {
    const broken = testContext(url);
    broken.connections.warehouse = {
      ...connectionFromUrl("warehouse", url.replace(/:\d+\//, ":1/")),
      options: { ...connectionFromUrl("warehouse", url).options, port: 1, password: "s3cret-unreachable" },
    };
    const error = await readAll(pgHome(broken, "t"), "t").catch((e: unknown) => e);
    await broken.resources.closeAll();
    expect(isHyggeError(error) && error.code).toBe("CONNECTION_FAILED");
    expect((error as Error).message).toContain('"warehouse"');
    expect(
      JSON.stringify({ m: (error as Error).message, h: (error as { hint?: string }).hint }),
    ).not.toContain("s3cret");
  });

  (checksPasswords ? it : it.skip)(
    "a wrong password fails once, not transient, naming the connection but not the password",
    async () => {
      const wrong = testContext(url);
      wrong.connections.warehouse = {
        ...wrong.connections.warehouse!,
        options: { ...wrong.connections.warehouse!.options, password: "wrong-pw-123" },
      };
      const error = await readAll(pgHome(wrong, "t"), "t").catch((e: unknown) => e);
      await wrong.resources.closeAll();
      expect(isHyggeError(error) && error.code).toBe("CONNECTION_FAILED");
      expect(isHyggeError(error) && error.transient).toBe(false);
      expect((error as Error).message).toContain('connection "warehouse"');
      expect((error as Error).message).not.toContain("wrong-pw-123");
    },
  );

  it("check() reports a reachable connection and a missing table", async () => {
    const home = pgHome(ctx, unique("missing"));
    const results = await home.check!();
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(results[1]!.message).toBe("table not found");
  });

  it("progress through the engine matches the rows of a query source", async () => {
    const backend = new MemoryBackend();
    const report = await runFlow({
      flow: "sqltest",
      home: pgHome(ctx, "q", {
        table: undefined,
        query: "SELECT g::bigint AS id FROM generate_series(1, 2500) g",
        batch_size: 1000,
      }),
      store: memoryStore(backend, "q"),
    });
    expect(report.rows).toBe(2500);
    expect(report.batches).toBe(3);
  });
});
