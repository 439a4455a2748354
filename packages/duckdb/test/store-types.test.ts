import { type HyggeError, isHyggeError, runFlow } from "@hygge/core";
import { batchOf, dateDayVector, decimalVector, int64Vector, memoryHome } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import {
  Decimal,
  Field,
  FixedSizeBinary,
  Float16,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  type RecordBatch,
  Struct,
  TimeMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint8,
  Uint64,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { duckStore, rows, storeContext, tempProject, withConnection } from "./store-helpers.js";

const ctx = storeContext(tempProject(), "types");
afterAll(() => ctx.resources.closeAll());
let n = 0;
const load = async (batch: RecordBatch) => {
  const entity = `t${++n}`;
  await runFlow({ flow: "types", entity, home: memoryHome([batch]), store: () => duckStore(ctx, entity) });
  return entity;
};
const text = (entity: string, columns: string) =>
  withConnection(ctx, (c) => rows(c, `SELECT ${columns} FROM raw.${entity} ORDER BY id`));
const refusal = async (batch: RecordBatch) => {
  const entity = `r${++n}`;
  const error = await runFlow({
    flow: "types",
    entity,
    home: memoryHome([batch]),
    store: () => duckStore(ctx, entity),
  }).catch((e: unknown) => e);
  const tables = await withConnection(ctx, (c) =>
    rows(
      c,
      `SELECT table_name FROM duckdb_tables() WHERE table_name = '${entity}' OR table_name LIKE 'hygge_stg%'`,
    ),
  );
  expect(tables).toEqual([]);
  expect(isHyggeError(error)).toBe(true);
  return error as HyggeError;
};
const ids = (k: number) =>
  vectorFromArray(
    Array.from({ length: k }, (_, i) => i + 1),
    new Int32(),
  );

describe("DuckDB store: exact values per type", () => {
  it("int64 extremes, uint64, decimal(38,10), dates before 1970, unicode and nulls", async () => {
    const entity = await load(
      batchOf({
        id: ids(4),
        i64: int64Vector(new Int64(), [-(2n ** 63n), 2n ** 63n - 1n, null, 9007199254740993n]),
        u64: int64Vector(
          new Uint64(),
          [0n, 2n ** 64n - 1n, null, 1n].map((v) => (v === null ? null : BigInt.asIntN(64, v))),
        ),
        u8: vectorFromArray([0, 255, null, 7], new Uint8()),
        d: decimalVector(38, 10, [
          "9999999999999999999999999999.9999999999",
          "-0.0000000001",
          null,
          "-1234567890123456789.1234567890",
        ]),
        d4: decimalVector(4, 2, ["99.99", "-99.99", null, "0.01"]),
        day: dateDayVector([-719162, -1, null, 2932896]),
        s: vectorFromArray(["ünïcødé ✓ 日本語 🚀", "", null, "a\u0000b"], new Utf8()),
      }),
    );
    expect(
      await text(
        entity,
        "i64::VARCHAR AS i64, u64::VARCHAR AS u64, u8, d::VARCHAR AS d, d4::VARCHAR AS d4, day::VARCHAR AS day, s, typeof(d) AS td, typeof(u64) AS tu",
      ),
    ).toEqual([
      {
        i64: "-9223372036854775808",
        u64: "0",
        u8: 0,
        d: "9999999999999999999999999999.9999999999",
        d4: "99.99",
        day: "0001-01-01",
        s: "ünïcødé ✓ 日本語 🚀",
        td: "DECIMAL(38,10)",
        tu: "UBIGINT",
      },
      {
        i64: "9223372036854775807",
        u64: "18446744073709551615",
        u8: 255,
        d: "-0.0000000001",
        d4: "-99.99",
        day: "1969-12-31",
        s: "",
        td: "DECIMAL(38,10)",
        tu: "UBIGINT",
      },
      {
        i64: null,
        u64: null,
        u8: null,
        d: null,
        d4: null,
        day: null,
        s: null,
        td: "DECIMAL(38,10)",
        tu: "UBIGINT",
      },
      {
        i64: "9007199254740993",
        u64: "1",
        u8: 7,
        d: "-1234567890123456789.1234567890",
        d4: "0.01",
        day: "9999-12-31",
        s: "a\u0000b",
        td: "DECIMAL(38,10)",
        tu: "UBIGINT",
      },
    ]);
  });

  it("timestamps in each unit keep their unit (s, ms, us, ns) and zoned ones their instant", async () => {
    const entity = await load(
      batchOf({
        id: ids(3),
        s: int64Vector(new TimestampSecond(), [-1n, 1704067200n, null]),
        ms: int64Vector(new TimestampMillisecond(), [-1n, 1704067200123n, null]),
        ns: int64Vector(new TimestampNanosecond(), [-1n, 1704067200123456789n, null]),
        paris: int64Vector(new TimestampMillisecond("Europe/Paris"), [-1n, 1704067200123n, null]),
        nsutc: int64Vector(new TimestampNanosecond("UTC"), [-1000n, 1704067200123456000n, null]),
        t: int64Vector(new TimeMicrosecond(), [0n, 86_399_999_999n, null]),
      }),
    );
    expect(
      await text(
        entity,
        "epoch_ns(s)::VARCHAR AS s, typeof(s) AS ts, epoch_ns(ms)::VARCHAR AS ms, typeof(ms) AS tms, epoch_ns(ns)::VARCHAR AS ns, typeof(ns) AS tns, epoch_us(paris)::VARCHAR AS paris, typeof(paris) AS tp, epoch_us(nsutc)::VARCHAR AS nsutc, t::VARCHAR AS t",
      ),
    ).toEqual([
      {
        s: "-1000000000",
        ts: "TIMESTAMP_S",
        ms: "-1000000",
        tms: "TIMESTAMP_MS",
        ns: "-1",
        tns: "TIMESTAMP_NS",
        paris: "-1000",
        tp: "TIMESTAMP WITH TIME ZONE",
        nsutc: "-1",
        t: "00:00:00",
      },
      {
        s: "1704067200000000000",
        ts: "TIMESTAMP_S",
        ms: "1704067200123000000",
        tms: "TIMESTAMP_MS",
        ns: "1704067200123456789",
        tns: "TIMESTAMP_NS",
        paris: "1704067200123000",
        tp: "TIMESTAMP WITH TIME ZONE",
        nsutc: "1704067200123456",
        t: "23:59:59.999999",
      },
      {
        s: null,
        ts: "TIMESTAMP_S",
        ms: null,
        tms: "TIMESTAMP_MS",
        ns: null,
        tns: "TIMESTAMP_NS",
        paris: null,
        tp: "TIMESTAMP WITH TIME ZONE",
        nsutc: null,
        t: null,
      },
    ]);
  });

  it("uuid and json extension columns become UUID and JSON", async () => {
    const uuid = vectorFromArray(
      [Buffer.from("00112233445566778899aabbccddeeff", "hex"), null],
      new FixedSizeBinary(16),
    );
    const json = vectorFromArray(['{"a":[1,2]}', null], new Utf8());
    const entity = await load(
      batchOf({ id: ids(2), u: uuid, j: json }, { u: "arrow.uuid", j: "arrow.json" }),
    );
    expect(await text(entity, "u::VARCHAR AS u, typeof(u) AS tu, j::VARCHAR AS j, typeof(j) AS tj")).toEqual([
      { u: "00112233-4455-6677-8899-aabbccddeeff", tu: "UUID", j: '{"a":[1,2]}', tj: "JSON" },
      { u: null, tu: "UUID", j: null, tj: "JSON" },
    ]);
  });

  it("refuses what it cannot carry exactly, naming the column and writing nothing", async () => {
    const f16 = makeVector(makeData({ type: new Float16(), length: 1, data: new Uint16Array([0x3c00]) }));
    const half = await refusal(batchOf({ id: ids(1), half: f16 }));
    expect(`${half.message} ${half.hint}`).toMatch(/"half".*float32/s);
    const list = vectorFromArray([[1]], new List(new Field("item", new Int32(), true)));
    expect((await refusal(batchOf({ id: ids(1), xs: list }))).message).toMatch(/column "xs"/);
    const wide = makeVector(makeData({ type: new Decimal(0, 40, 256), length: 1, data: new Uint32Array(8) }));
    const e = await refusal(batchOf({ id: ids(1), big: wide }));
    expect(e.message).toMatch(/column "big".*38 digits/s);
    const ns = int64Vector(new TimestampNanosecond("UTC"), [1n]);
    expect((await refusal(batchOf({ id: ids(1), at: ns }))).message).toMatch(
      /column "at".*1 ns.*cannot hold exactly/s,
    );
    const inf = int64Vector(new TimestampSecond(), [2n ** 63n - 1n]);
    expect((await refusal(batchOf({ id: ids(1), at: inf }))).message).toMatch(/column "at".*infinity/s);
    // A decimal(9,2) column holding an unscaled value of 10 digits (invalid Arrow data) is refused, not wrapped.
    const over = makeVector(
      makeData({ type: new Decimal(2, 9, 128), length: 1, data: new Uint32Array([1_000_000_000, 0, 0, 0]) }),
    );
    expect((await refusal(batchOf({ id: ids(1), amount: over }))).message).toMatch(
      /column "amount".*more than the 9 digits/s,
    );
    const bad = makeVector(
      makeData({
        type: new Utf8(),
        length: 2,
        valueOffsets: new Int32Array([0, 2, 4]),
        data: new Uint8Array([0x6f, 0x6b, 0xc3, 0x28]),
      }),
    );
    expect((await refusal(batchOf({ id: ids(2), note: bad }))).message).toMatch(
      /column "note" holds bytes that are not UTF-8 text \(row 1/,
    );
    const struct = vectorFromArray([{ a: 1 }], new Struct([new Field("a", new Int32(), true)]));
    expect((await refusal(batchOf({ id: ids(1), st: struct }))).code).toBe("SCHEMA_MISMATCH");
    // The error names the database file and the table.
    expect(e.message).toContain("warehouse.duckdb");
    expect(e.message).toMatch(/raw\.r\d+/);
  });
});
