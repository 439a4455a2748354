import { isHyggeError, runFlow } from "@hygge/core";
import { batchOf, memoryHome } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Field, IntervalMonthDayNano, List, makeData, makeVector, Utf8, vectorFromArray } from "apache-arrow";
import { dropOwnTables, tableDump as dump, pgHome, pgStore, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

describe.each(postgresServers())("PostgreSQL types written ($label)", ({ url }) => {
  const ctx = testContext(url);
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });

  it("writes Arrow MonthDayNano exactly and refuses sub-microsecond nanoseconds", async () => {
    const table = unique("types_iv");
    const interval = (values: [number, number, bigint][]) => {
      const words = new Int32Array(values.length * 4);
      const view = new DataView(words.buffer);
      values.forEach(([m, d, ns], i) => {
        view.setInt32(i * 16, m, true);
        view.setInt32(i * 16 + 4, d, true);
        view.setBigInt64(i * 16 + 8, ns, true);
      });
      return makeVector(makeData({ type: new IntervalMonthDayNano(), length: values.length, data: words }));
    };
    const ok = batchOf({
      id: vectorFromArray([1, 2, 3]),
      iv: interval([
        [-14, 3, -14_706_000_001_000n],
        [0, 0, 0n],
        [1, -1, 1000n],
      ]),
    });
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([ok]),
      store: () => pgStore(ctx, table),
    });
    const got = await withClient(url, async (c) => ({
      rows: (await c.query(`SELECT iv::text AS iv FROM "${table}" ORDER BY id`)).rows.map((r) => r.iv),
      type: (
        await c.query(
          `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass(quote_ident($1)) AND attname = 'iv'`,
          [table],
        )
      ).rows[0].t,
    }));
    expect(got.type).toBe("interval");
    expect(got.rows).toEqual([
      "-1 years -2 mons +3 days -04:05:06.000001",
      "00:00:00",
      "1 mon -1 days +00:00:00.000001",
    ]);
    const bad = batchOf({ id: vectorFromArray([9]), iv: interval([[0, 0, 1n]]) });
    const error = await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([bad]),
      store: () => pgStore(ctx, table),
    }).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.message).toContain('column "iv" holds an interval with 1ns');
    expect(
      (await withClient(url, (c) => c.query(`SELECT count(*)::int AS n FROM "${table}"`))).rows[0].n,
    ).toBe(3);
  });

  it("json columns become json (text kept byte for byte); jsonb read from PostgreSQL stays jsonb", async () => {
    const table = unique("types_json");
    const text = ['{ "b" : 1, "a": 2, "a": 3 }', null, "[1,  2]"];
    const plain = batchOf(
      { id: vectorFromArray([1, 2, 3]), j: vectorFromArray(text, new Utf8()) },
      { j: "arrow.json" },
    );
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([plain]),
      store: () => pgStore(ctx, table),
    });
    const a = await dump(url, table);
    expect(a.types).toContain("j json");
    const values = await withClient(url, async (c) =>
      (await c.query(`SELECT j::text AS j FROM "${table}" ORDER BY id`)).rows.map((r) => r.j),
    );
    expect(values).toEqual(text);
    // A jsonb column read by hygge carries hygge.postgres.type = jsonb: written back, it is jsonb.
    const source = unique("types_jsonb");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${source}" (id int, jb jsonb)`);
      await c.query(`INSERT INTO "${source}" VALUES (1, '{"b": 1, "a": [1.50, "x"]}')`);
    });
    const copy = unique("types_jsonb_copy");
    await runFlow({
      flow: "sqltest",
      entity: copy,
      home: pgHome(ctx, source),
      store: () => pgStore(ctx, copy),
    });
    const [s, t] = [await dump(url, source), await dump(url, copy)];
    expect(t.types).toEqual(["id integer", "jb jsonb"]);
    expect(t.rows).toEqual(s.rows);
  });

  it("loads lists, uuids and intervals into an existing table of other column types (text COPY)", async () => {
    const table = unique("types_existing");
    await withClient(url, (c) =>
      c.query(
        `CREATE TABLE "${table}" (id bigint, tags varchar(20)[], iv interval(6), u uuid, n numeric(12,3)[])`,
      ),
    );
    const { uuidField } = await import("@hygge/core");
    const { parseUuid } = await import("@hygge/core");
    const tags = vectorFromArray(
      [["a", null, 'q"\\,{}'], [], null],
      new List(new Field("item", new Utf8(), true)),
    );
    const iv = (() => {
      const words = new Int32Array(12);
      const view = new DataView(words.buffer);
      view.setInt32(0, -1, true);
      view.setBigInt64(8, -1000n, true);
      view.setInt32(20, 5, true);
      return makeVector(makeData({ type: new IntervalMonthDayNano(), length: 3, data: words }));
    })();
    const u = vectorFromArray(
      [
        parseUuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        null,
        parseUuid("00000000-0000-0000-0000-000000000001"),
      ],
      uuidField("u").type,
    );
    const batch = batchOf({ id: vectorFromArray([1, 2, 3]), tags, iv, u }, { u: "arrow.uuid" });
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([batch]),
      store: () => pgStore(ctx, table),
      runType: "incremental",
    });
    const d = await dump(url, table);
    expect(d.rows).toEqual([
      '(1,"{a,NULL,""q\\\\""\\\\\\\\,{}""}","-1 mons -00:00:00.000001",a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,)',
      '(2,{},"5 days",,)',
      "(3,,00:00:00,00000000-0000-0000-0000-000000000001,)",
    ]);
  });

  it("refuses values an existing table's numeric(p,s) or timestamp(p) would round (binary and text COPY, incremental and merge)", async () => {
    const { decimalVector, int64Vector } = await import("@hygge/core/testing");
    const { Int64, TimestampMicrosecond } = await import("apache-arrow");
    for (const [idType, runType] of [
      ["bigint", "incremental"],
      ["integer", "incremental"],
      // merge loads a staging table first: the target's modifiers must still decide.
      ["bigint", "merge"],
    ] as const) {
      // A bigint id matches the Arrow Int64 (binary COPY); an integer id makes it text COPY.
      const table = unique("types_round");
      await withClient(url, (c) =>
        c.query(
          `CREATE TABLE "${table}" (id ${idType}, amount numeric(12,2), at timestamp(0), amounts numeric(12,2)[])`,
        ),
      );
      const load = (amount: string, at: bigint, inner: string) =>
        runFlow({
          flow: "sqltest",
          entity: table,
          home: memoryHome([
            batchOf({
              id: int64Vector(new Int64(), [1n]),
              amount: decimalVector(38, 10, [amount]),
              at: int64Vector(new TimestampMicrosecond(), [at]),
              amounts: makeVector(
                makeData({
                  type: new List(new Field("item", decimalVector(38, 10, ["0"]).type, true)),
                  length: 1,
                  nullCount: 0,
                  valueOffsets: new Int32Array([0, 2]),
                  child: decimalVector(38, 10, [inner, null]).data[0]!,
                }),
              ),
            }),
          ]),
          store: () => pgStore(ctx, table),
          runType,
          ...(runType === "merge" ? { primaryKey: ["id"] } : {}),
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(await load("1.5000000000", 1_000_000n, "2.25")).toBeUndefined();
      const amountError = await load("1.5050000000", 1_000_000n, "2.25");
      expect(isHyggeError(amountError) && amountError.code).toBe("STORE_WRITE_FAILED");
      expect((amountError as Error).message).toContain('column "amount" holds 1.5050000000');
      expect((amountError as { hint?: string }).hint).toContain("numeric(12,2)");
      const atError = await load("1", 1_500_000n, "2.25");
      expect((atError as Error).message).toContain('column "at" holds 1500000us');
      const listError = await load("1", 1_000_000n, "-0.001");
      expect((listError as Error).message).toContain('column "amounts" holds -0.0010000000');
      const rows = await withClient(
        url,
        async (c) =>
          (await c.query(`SELECT amount::text AS a, at::text AS t, amounts::text AS l FROM "${table}"`)).rows,
      );
      expect(rows).toEqual([{ a: "1.50", t: "1970-01-01 00:00:01", l: "{2.25,NULL}" }]);
    }
  });

  it("writes the Arrow-only types exactly (unsigned, Float16, Date64, time units in binary COPY; large and dictionary strings, nested lists in text COPY)", async () => {
    const { int64Vector } = await import("@hygge/core/testing");
    const arrow = await import("apache-arrow");
    const table = unique("types_arrow_only");
    const dict = arrow.vectorFromArray(
      ["a", "b", null, "a"],
      new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
    );
    const batch = batchOf({
      id: vectorFromArray([1, 2, 3, 4], new arrow.Int32()),
      u8: vectorFromArray([255, 0, null, 1], new arrow.Uint8()),
      u32: vectorFromArray([4294967295, 0, null, 1], new arrow.Uint32()),
      u64: int64Vector(new arrow.Uint64(), [18446744073709551615n as never, 0n, null, 1n]),
      f16: vectorFromArray([1.5, -0.25, null, 65504], new arrow.Float16()),
      d64: int64Vector(new arrow.DateMillisecond(), [0n, 86_400_000n, null, -86_400_000n]),
      t_ns: int64Vector(new arrow.TimeNanosecond(), [86_399_999_999_000n, 0n, null, 1000n]),
      t_ms: vectorFromArray([86_399_999, 0, null, 1], new arrow.TimeMillisecond()),
    });
    const textual = batchOf({
      id: vectorFromArray([1, 2, 3, 4], new arrow.Int32()),
      large: vectorFromArray(["x", "", null, "ü"], new arrow.LargeUtf8()),
      dict,
      nested: vectorFromArray(
        [[[1], [2, 3]], [], null, [[]]],
        new List(new Field("item", new List(new Field("item", new arrow.Int32(), true)), true)),
      ),
    });
    const other = unique("types_arrow_text");
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([batch]),
      store: () => pgStore(ctx, table),
    });
    await runFlow({
      flow: "sqltest",
      entity: other,
      home: memoryHome([textual]),
      store: () => pgStore(ctx, other),
    });
    const [d, t] = [await dump(url, table), await dump(url, other)];
    expect(d.types).toEqual([
      "id integer",
      "u8 smallint",
      "u32 bigint",
      "u64 numeric(20,0)",
      "f16 real",
      "d64 date",
      "t_ns time without time zone",
      "t_ms time(3) without time zone",
    ]);
    expect(d.rows).toEqual([
      "(1,255,4294967295,18446744073709551615,1.5,1970-01-01,23:59:59.999999,23:59:59.999)",
      "(2,0,0,0,-0.25,1970-01-02,00:00:00,00:00:00)",
      "(3,,,,,,,)",
      "(4,1,1,1,65504,1969-12-31,00:00:00.000001,00:00:00.001)",
    ]);
    expect(t.types).toEqual(["id integer", "large text", "dict text", "nested jsonb"]);
    expect(t.rows).toEqual(['(1,x,a,"[[1], [2, 3]]")', '(2,"",b,[])', "(3,,,)", "(4,ü,a,[[]])"]);
    const midday = batchOf({
      id: vectorFromArray([5], new arrow.Int32()),
      d64: int64Vector(new arrow.DateMillisecond(), [43_200_000n]),
    });
    const error = await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([midday]),
      store: () => pgStore(ctx, table),
      runType: "incremental",
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('column "d64" holds date64 value 43200000ms (not midnight)');
  });
});
