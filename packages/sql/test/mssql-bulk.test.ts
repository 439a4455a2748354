import Module from "node:module";
import { isHyggeError, type Json, toRows } from "@hygge/core";
import { batchOf, dateDayVector, decimalVector, int64Vector, typeMatrix } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import {
  DateMillisecond,
  Decimal,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  type RecordBatch,
  Schema,
  TimeNanosecond,
  TimestampMicrosecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint64,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { bulkTable } from "../src/mssql/mssql-bulk.js";
import { bulkBytes, decodeBulk, guidToRfc, mssql, type Wire, wireEpoch } from "./mssql-tds.js";

const PER: Record<string, bigint> = {
  SECOND: 1n,
  MILLISECOND: 1000n,
  MICROSECOND: 1_000_000n,
  NANOSECOND: 1_000_000_000n,
};

/** What SQL Server receives for `batch`: decoded from the bytes mssql + tedious produce. */
async function wire(batch: RecordBatch) {
  const { statement, bytes } = await bulkBytes(bulkTable(mssql, "[dbo].[t]", batch.schema, batch));
  return { statement, ...decodeBulk(bytes) };
}

/** A decoded value in the spelling of `toRows` for the Arrow field it came from. */
function asRow(field: Field, v: Wire): Json {
  if (v === null) return null;
  const type = String(field.type);
  if (field.metadata.get("ARROW:extension:name") === "arrow.uuid")
    return guidToRfc(v as Buffer).toString("base64");
  if (type.startsWith("Timestamp")) return wireEpoch(v, PER[type.slice(10).split(/[>,]/)[0]!]);
  if (type.startsWith("Date")) return wireEpoch(v);
  if (Buffer.isBuffer(v)) return v.toString("base64");
  if (typeof v === "bigint") return type === "Int64" ? String(v) : Number(v);
  if (type.startsWith("List") || type.startsWith("Struct")) return JSON.parse(v as string);
  return v as Json;
}

async function roundTrip(batch: RecordBatch) {
  const { rows } = await wire(batch);
  return rows.map((r) => Object.fromEntries(batch.schema.fields.map((f, c) => [f.name, asRow(f, r[c]!)])));
}

async function refusal(batch: RecordBatch): Promise<Error> {
  const error = await wire(batch).then(
    () => new Error("no refusal"),
    (e: Error) => e,
  );
  expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
  return error;
}

describe("SQL Server bulk load: the bytes tedious sends are the Arrow values, exactly", () => {
  it("carries every type-matrix column (ts_ns aside: refused below) exactly", async () => {
    const batch = typeMatrix(["ts_ns"]);
    const { statement, columns } = await wire(batch);
    expect(statement).toBe(
      "insert bulk [dbo].[t]([id] int, [bool] bit, [int8] smallint, [int16] smallint, [int32] int, [int64] bigint, [float32] real, [float64] float, [utf8] nvarchar(max), [binary] varbinary(max), [date] date, [ts_ms] datetime2(3), [ts_us] datetime2(6), [ts_us_utc] datetimeoffset(6), [decimal_9_2] decimal(9, 2), [decimal_18_4] decimal(18, 4), [decimal_38_10] decimal(38, 10), [list_int32] nvarchar(max), [struct] nvarchar(max), [uuid] uniqueidentifier, [json] nvarchar(max))",
    );
    expect(columns.map((c) => c.type)).toContain("DecimalN(38,10)");
    expect(await roundTrip(batch)).toEqual(toRows([batch]));
  });

  it("sends decimal(38,10) and decimal(18,4) extremes digit for digit", async () => {
    const batch = batchOf({
      d38: decimalVector(38, 10, [
        "9999999999999999999999999999.9999999999",
        "-9999999999999999999999999999.9999999999",
        "0.0000000001",
        "1234567890123456789.1234567891",
      ]),
      d18: decimalVector(18, 4, [
        "99999999999999.9999",
        "-99999999999999.9999",
        "0.0001",
        "12345678901234.5677",
      ]),
    });
    const { rows, columns } = await wire(batch);
    expect(columns.map((c) => c.type)).toEqual(["DecimalN(38,10)", "DecimalN(18,4)"]);
    expect(rows).toEqual([
      ["9999999999999999999999999999.9999999999", "99999999999999.9999"],
      ["-9999999999999999999999999999.9999999999", "-99999999999999.9999"],
      ["0.0000000001", "0.0001"],
      ["1234567890123456789.1234567891", "12345678901234.5677"],
    ]);
  });

  it("sends int64 extremes and 2^53+1 as bigint, and uint64 up to 2^64-1 as decimal(20,0)", async () => {
    const u64 = makeVector(
      makeData({
        type: new Uint64(),
        length: 3,
        data: new BigUint64Array([2n ** 64n - 1n, 2n ** 53n + 1n, 0n]),
      }),
    );
    const b = batchOf({
      i64: int64Vector(new Int64(), [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n]),
      u64,
    });
    const { rows, columns } = await wire(b);
    expect(columns.map((c) => c.type)).toEqual(["IntN(8)", "DecimalN(20,0)"]);
    expect(rows).toEqual([
      [-(2n ** 63n), "18446744073709551615"],
      [2n ** 63n - 1n, "9007199254740993"],
      [2n ** 53n + 1n, "0"],
    ]);
  });
});

describe("SQL Server bulk load: times exact to 100 ns, whatever the machine's time zone", () => {
  it("carries µs and 100 ns timestamps, before 1970 and at both ends of datetime2", async () => {
    const us = [1704067200123456n, -1n, -62135596800000000n, 253402300799999999n];
    const ns = [1704067200123456700n, -100n, 0n, 9223372036854775800n];
    const batch = batchOf({
      us: int64Vector(new TimestampMicrosecond(), us),
      ns: int64Vector(new TimestampNanosecond(), ns),
      tz: int64Vector(new TimestampMicrosecond("UTC"), us),
    });
    const { rows, columns } = await wire(batch);
    expect(columns.map((c) => c.type)).toEqual(["DateTime2N(6)", "DateTime2N(7)", "DateTimeOffsetN(6)"]);
    expect(rows.map((r) => wireEpoch(r[0]!, 1_000_000n))).toEqual(us.map(String));
    expect(rows.map((r) => wireEpoch(r[1]!, 1_000_000_000n))).toEqual(ns.map(String));
    expect(rows.map((r) => wireEpoch(r[2]!, 1_000_000n))).toEqual(us.map(String));
    expect(rows.map((r) => (r[2] as { offset: number }).offset)).toEqual([0, 0, 0, 0]);
  });

  it("carries dates from 0001-01-01 to 9999-12-31 and times of day to 100 ns", async () => {
    const days = [-719162, 2932896, 0, -1];
    const batch = batchOf({
      d32: dateDayVector(days),
      d64: vectorFromArray(
        days.map((d) => new Date(d * 86_400_000)),
        new DateMillisecond(),
      ),
      t: int64Vector(new TimeNanosecond(), [0n, 86_399_999_999_900n, 123_456_700n, 1n * 100n]),
    });
    const { rows, columns } = await wire(batch);
    expect(columns.map((c) => c.type)).toEqual(["DateN", "DateN", "TimeN(7)"]);
    expect(rows.map((r) => [wireEpoch(r[0]!), wireEpoch(r[1]!)])).toEqual(
      days.map((d) => [String(d), String(d)]),
    );
    expect(rows.map((r) => (r[2] as { ticks: bigint }).ticks)).toEqual([
      0n,
      863_999_999_999n,
      1_234_567n,
      1n,
    ]);
  });

  it("sends the same bytes in any TZ (tedious reads local time where it is not told useUTC)", async () => {
    // jest's `process` (also through node:process) is a copy; Node's own one resets V8's zone on TZ.
    const env = (Module as unknown as { _load(id: string): NodeJS.Process })._load("process").env;
    const saved = env.TZ;
    env.TZ = "America/New_York";
    try {
      expect(new Date(0).getTimezoneOffset()).toBe(300);
      const edge = [-62135596800000000n, 0n];
      const batch = batchOf({
        local: int64Vector(new TimestampMicrosecond(), edge),
        zoned: int64Vector(new TimestampMicrosecond("UTC"), edge),
        day: dateDayVector([-719162, 0]),
      });
      const { rows } = await wire(batch);
      expect(
        rows.map((r) => [wireEpoch(r[0]!, 1_000_000n), wireEpoch(r[1]!, 1_000_000n), wireEpoch(r[2]!)]),
      ).toEqual([
        ["-62135596800000000", "-62135596800000000", "-719162"],
        ["0", "0", "0"],
      ]);
      expect(rows.map((r) => (r[1] as { offset: number }).offset)).toEqual([0, 0]);
    } finally {
      if (saved === undefined) delete env.TZ;
      else env.TZ = saved;
    }
  });
});

function utf8Bytes(values: number[][]) {
  const offsets = new Int32Array(values.length + 1);
  values.forEach((v, i) => {
    offsets[i + 1] = offsets[i]! + v.length;
  });
  return makeVector(
    makeData({
      type: new Utf8(),
      length: values.length,
      valueOffsets: offsets,
      data: new Uint8Array(values.flat()),
    }),
  );
}

describe("SQL Server bulk load: strings as UTF-16 code units, invalid UTF-8 refused", () => {
  it("carries emoji, NUL and U+10FFFF unchanged, through dictionaries too, and refuses a lone surrogate", async () => {
    const text = ["ünïcødé ✓ 日本語 🚀", "nul\u0000inside", "\u{10FFFF}", ""];
    const dictionary = vectorFromArray(["b🚀", "a", "b🚀", "a"], new Dictionary(new Utf8(), new Int32()));
    const { rows, columns } = await wire(batchOf({ s: vectorFromArray(text, new Utf8()), d: dictionary }));
    expect(columns.map((c) => c.type)).toEqual(["NVarChar(max)", "NVarChar(max)"]);
    expect(rows.map((r) => r[0])).toEqual(text);
    expect(rows.map((r) => r[1])).toEqual(["b🚀", "a", "b🚀", "a"]);
    // "a" + ED A0 80: a UTF-16 lone surrogate (U+D800) spelled in UTF-8, which Arrow would read as U+FFFD.
    const error = await refusal(batchOf({ s: utf8Bytes([[0x61], [0x61, 0xed, 0xa0, 0x80]]) }));
    expect(error.message).toBe(
      'column "s" of [dbo].[t] holds bytes 61eda080, which are not valid UTF-8 (a lone surrogate or a broken sequence would reach SQL Server as U+FFFD)',
    );
    expect((error as { hint?: string }).hint).toBe(
      "Fix the encoding at the source, or load the column as binary.",
    );
  });
});

describe("SQL Server bulk load: what cannot be carried exactly is refused, naming column, value and remedy", () => {
  it("refuses nanoseconds below 100 ns (the type matrix's ts_ns)", async () => {
    const error = await refusal(typeMatrix());
    expect(error.message).toBe(
      'column "ts_ns" of [dbo].[t] holds 1704067200123456789 (ns since 1970, 2024-01-01 00:00:00.123456789), which has nanoseconds below SQL Server\'s 100 ns precision (datetime2(7))',
    );
    expect((error as { hint?: string }).hint).toMatch(/Round or truncate the column to 100 ns/);
    const time = await refusal(batchOf({ t: int64Vector(new TimeNanosecond(), [150n]) }));
    expect(time.message).toMatch(
      /^column "t" of \[dbo\]\.\[t\] holds 150 ns since midnight, which has nanoseconds below/,
    );
  });

  it("refuses timestamps and dates outside years 0001–9999 and Date64 values with a time of day", async () => {
    const late = await refusal(batchOf({ at: int64Vector(new TimestampSecond(), [253402300800n]) }));
    expect(late.message).toBe(
      'column "at" of [dbo].[t] holds 253402300800 (s since 1970, 10000-01-01 00:00:00), which is outside SQL Server\'s datetime2 range (years 0001 to 9999)',
    );
    const early = await refusal(batchOf({ d: dateDayVector([-719163]) }));
    expect(early.message).toMatch(/holds -719163 days since 1970, which is outside SQL Server's date range/);
    const noon = await refusal(
      batchOf({ d: vectorFromArray([new Date(43_200_000)], new DateMillisecond()) }),
    );
    expect(noon.message).toBe(
      'column "d" of [dbo].[t] holds 43200000 (ms since 1970), which has a time of day that a SQL Server date cannot hold',
    );
  });

  it("refuses NaN and infinities (SQL Server floats have none)", async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const error = await refusal(batchOf({ f: vectorFromArray([1.5, value], new Float64()) }));
      expect(error.message).toBe(
        `column "f" of [dbo].[t] holds ${value}, which SQL Server's float and real cannot hold`,
      );
    }
  });

  it("refuses invalid UTF-8 inside nested values, which are written as JSON text", async () => {
    const child = utf8Bytes([[0xc3]]);
    const struct = makeVector(
      makeData({
        type: new (await import("apache-arrow")).Struct([new Field("s", new Utf8(), true)]),
        length: 1,
        nullCount: 0,
        children: [child.data[0]!],
      }),
    );
    const error = await refusal(batchOf({ nested: struct }));
    expect(error.message).toMatch(
      /^column "nested" of \[dbo\]\.\[t\] holds a nested string that is not valid UTF-8/,
    );
  });

  it("refuses a decimal value with more digits than its Arrow type declares", async () => {
    const overfull = decimalVector(38, 2, ["12345678901.23"]);
    const declared = makeVector(
      makeData({ type: new Decimal(2, 9, 128), length: 1, nullCount: 0, data: overfull.data[0]!.values }),
    );
    const error = await refusal(batchOf({ d: declared }));
    expect(error.message).toBe(
      'column "d" of [dbo].[t] holds 12345678901.23, which has more than the 9 digits of its Arrow type, so decimal(9,2) cannot hold it',
    );
  });

  it("refuses decimals SQL Server has no type for before anything is sent", async () => {
    const wide = new Schema([new Field("x", new Decimal(0, 39, 256), true)]);
    const negative = new Schema([new Field("y", new Decimal(-2, 10, 128), true)]);
    const batch = batchOf({ x: decimalVector(38, 0, ["1"]) });
    expect(() => bulkTable(mssql, "[t]", wide, batch)).toThrow(
      'column "x" has Arrow type Decimal[39e0], which has no SQL Server mapping',
    );
    expect(() => bulkTable(mssql, "[t]", negative, batch)).toThrow(
      /column "y" has Arrow type Decimal\[10e-2\]/,
    );
  });
});
