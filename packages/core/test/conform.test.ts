import { describe, expect, it } from "@jest/globals";
import {
  Binary,
  Bool,
  type DataType,
  Decimal,
  Field,
  FixedSizeBinary,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  LargeBinary,
  LargeUtf8,
  List,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  TimeMicrosecond,
  TimeMillisecond,
  TimeNanosecond,
  TimeSecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { castData } from "../src/arrow/cast.js";
import { conformer, nullData } from "../src/arrow/conform.js";
import { extensionName, jsonField, uuidField } from "../src/arrow/extension.js";
import { unifySchemas } from "../src/arrow/unify.js";
import { cellToJson, toRows } from "../src/arrow/values.js";
import { isHyggeError } from "../src/errors.js";
import { batchOf, decimalVector, int64Vector } from "../src/testing/index.js";

const cells = (v: Vector) => Array.from({ length: v.length }, (_, i) => cellToJson(v, i));
const cast = (v: Vector, to: DataType) => makeVector(castData(v.data[0]!, to));
const I64_MAX = 2n ** 63n - 1n;

describe("castData: exact widening of one column", () => {
  it.each([
    ["int8 → int16", new Int8(), new Int16(), [-128, 127, null, 0]],
    ["int8 → int64", new Int8(), new Int64(), [-128, 127, null, 0]],
    ["int16 → int32", new Int16(), new Int32(), [-32768, 32767, null, 1]],
    ["int32 → int64", new Int32(), new Int64(), [-2147483648, 2147483647, null, 7]],
    ["uint8 → int16", new Uint8(), new Int16(), [0, 255, null, 1]],
    ["uint16 → uint32", new Uint16(), new Uint32(), [0, 65535, null, 1]],
    ["uint32 → int64", new Uint32(), new Int64(), [0, 4294967295, null, 1]],
  ])("%s keeps every value and null", (_l, from, to, values) => {
    const out = cast(vectorFromArray(values, from), to);
    expect(String(out.type)).toBe(String(to));
    expect(cells(out).map(String)).toEqual(values.map(String));
  });

  it("float32 → float64 and float16 → float64, exactly", () => {
    const f32 = vectorFromArray([1.5, 3.140000104904175, null, -0], new Float32());
    expect(cells(cast(f32, new Float64()))).toEqual([1.5, 3.140000104904175, null, -0]);
    const half = makeVector(
      makeData({ type: new Float16(), length: 2, data: new Uint16Array([0x3c00, 0xc000]) }),
    );
    expect(cells(cast(half, new Float64()))).toEqual([1, -2]);
  });

  it("decimals: rescaled by 10^k, moved to 256 bits, or kept bit for bit when only the precision grows", () => {
    const d = decimalVector(10, 2, ["12345678.91", "-0.01", null, "-99999999.99"]);
    const rescaled = cast(d, new Decimal(5, 14, 128));
    expect(cells(rescaled)).toEqual(["12345678.91000", "-0.01000", null, "-99999999.99000"]);
    const wide = cast(d, new Decimal(3, 60, 256));
    expect(cells(wide)).toEqual(["12345678.910", "-0.010", null, "-99999999.990"]);
    const more = castData(d.data[0]!, new Decimal(2, 12, 128));
    expect(more.values).toBe(d.data[0]!.values); // no copy
    expect(cells(makeVector(more))).toEqual(["12345678.91", "-0.01", null, "-99999999.99"]);
  });

  it("decimals up to 15 digits take the double path: negatives into 256 bits, and a corrupt high word is refused", () => {
    const d = decimalVector(5, 1, ["-1234.5", "0.1", null, "9999.9"]);
    expect(cells(cast(d, new Decimal(3, 10, 256)))).toEqual(["-1234.500", "0.100", null, "9999.900"]);
    expect(cells(cast(d, new Decimal(6, 40, 256)))).toEqual([
      "-1234.500000",
      "0.100000",
      null,
      "9999.900000",
    ]);
    // decimal(4, 0) whose third word is set: 2^64 + 5, far beyond its precision.
    const corrupt = makeVector(
      makeData({ type: new Decimal(0, 4, 128), length: 1, data: new Uint32Array([5, 0, 1, 0]) }),
    );
    expect(() => cast(corrupt, new Decimal(1, 6, 128))).toThrow(
      "the value 18446744073709551621 (row 0) does not fit",
    );
  });

  it("integers into decimals, int64 extremes included", () => {
    const ints = int64Vector(new Int64(), [-(2n ** 63n), I64_MAX, null, 0n]);
    expect(cells(cast(ints, new Decimal(2, 21, 128)))).toEqual([
      "-9223372036854775808.00",
      "9223372036854775807.00",
      null,
      "0.00",
    ]);
    expect(cells(cast(vectorFromArray([-5, null, 255], new Int16()), new Decimal(1, 6)))).toEqual([
      "-5.0",
      null,
      "255.0",
    ]);
    expect(cells(cast(vectorFromArray([4294967295], new Uint32()), new Decimal(0, 10)))).toEqual([
      "4294967295",
    ]);
  });

  it("uint64 into a decimal: the largest value exactly, small ones on the double path", () => {
    const data = makeData({
      type: new Uint64(),
      length: 3,
      data: new BigUint64Array([2n ** 64n - 1n, 5n, 2n ** 53n]),
    });
    expect(cells(cast(makeVector(data), new Decimal(1, 22)))).toEqual([
      "18446744073709551615.0",
      "5.0",
      "9007199254740992.0",
    ]);
  });

  it("refuses a decimal value bigger than its declared precision rather than writing an invalid one", () => {
    // decimal(4, 0) holding 123456 (a file that broke its own precision) cannot be decimal(5, 1).
    const bad = makeVector(
      makeData({ type: new Decimal(0, 4, 128), length: 1, data: new Uint32Array([123456, 0, 0, 0]) }),
    );
    expect(() => cast(bad, new Decimal(1, 5, 128))).toThrow("the value 123456 (row 0) does not fit");
  });

  it.each([
    ["s → ms", new TimestampSecond(), new TimestampMillisecond(), 1000n],
    ["s → ns", new TimestampSecond("UTC"), new TimestampNanosecond("UTC"), 1_000_000_000n],
    ["ms → us", new TimestampMillisecond("Europe/Paris"), new TimestampMicrosecond("Europe/Paris"), 1000n],
    ["us → ns", new TimestampMicrosecond(), new TimestampNanosecond(), 1000n],
  ])("timestamps %s multiply by 1000^k and keep the zone", (_l, from, to, factor) => {
    const values = [0n, 1704067200n, null, -1n];
    const out = cast(int64Vector(from, values), to);
    expect(out.type).toBe(to);
    expect(cells(out)).toEqual(values.map((v) => (v === null ? null : String(v * factor))));
  });

  it("refuses a timestamp the finer unit cannot carry, and ignores the bits under a null", () => {
    const big = int64Vector(new TimestampSecond(), [0n, 9_300_000_000_000n]);
    expect(() => cast(big, new TimestampNanosecond())).toThrow(
      "the value 9300000000000 (row 1) does not fit",
    );
    const min = int64Vector(new TimestampMillisecond(), [-(I64_MAX / 1000n) - 1n]);
    expect(() => cast(min, new TimestampMicrosecond())).toThrow("does not fit");
    // A null slot holding garbage is not a value.
    const data = makeData({
      type: new TimestampSecond(),
      length: 2,
      nullCount: 1,
      nullBitmap: new Uint8Array([1]),
      data: new BigInt64Array([5n, I64_MAX]),
    });
    expect(cells(cast(makeVector(data), new TimestampNanosecond()))).toEqual(["5000000000", null]);
  });

  it("times: time32[s] → time32[ms], time32 → time64, time64[us] → [ns]", () => {
    expect(cells(cast(vectorFromArray([0, 86399, null], new TimeSecond()), new TimeMillisecond()))).toEqual([
      "0",
      "86399000",
      null,
    ]);
    expect(
      cells(cast(vectorFromArray([86399999, null], new TimeMillisecond()), new TimeNanosecond())),
    ).toEqual(["86399999000000", null]);
    const us = int64Vector(new TimeMicrosecond(), [86399999999n, null]);
    expect(cells(cast(us, new TimeNanosecond()))).toEqual(["86399999999000", null]);
    const huge = makeVector(
      makeData({ type: new TimeSecond(), length: 1, data: new Int32Array([3_000_000]) }),
    );
    expect(() => cast(huge, new TimeMillisecond())).toThrow("the value 3000000 (row 0) does not fit");
  });

  it("utf8 → large_utf8 and binary → large_binary share the bytes, with 64-bit offsets", () => {
    const s = vectorFromArray(["a", null, "", "ünï 🚀"], new Utf8());
    const large = castData(s.data[0]!, new LargeUtf8());
    expect(large.values.buffer).toBe(s.data[0]!.values.buffer);
    expect(large.valueOffsets).toBeInstanceOf(BigInt64Array);
    expect(cells(makeVector(large))).toEqual(["a", null, "", "ünï 🚀"]);
    const b = vectorFromArray([new Uint8Array([1, 2]), null], new Binary());
    expect(cells(cast(b, new LargeBinary()))).toEqual(["AQI=", null]);
  });

  it("a sliced column keeps its validity and values", () => {
    const v = vectorFromArray([1, null, 3, 4, null, 6, 7, 8, 9, null], new Int32()).slice(3, 9);
    expect(cells(cast(v, new Int64()))).toEqual(["4", null, "6", "7", "8", "9"]);
    const s = vectorFromArray(["a", "b", null, "dd", "e"], new Utf8()).slice(1, 4);
    expect(cells(cast(s, new LargeUtf8()))).toEqual(["b", null, "dd"]);
    const d = decimalVector(5, 1, ["1.0", null, "2.5", "-3.5"]).slice(1, 4);
    expect(cells(cast(d, new Decimal(2, 7)))).toEqual([null, "2.50", "-3.50"]);
  });

  it("refuses a pair it does not know (unify first)", () => {
    expect(() => cast(vectorFromArray(["x"], new Utf8()), new Int64())).toThrow(
      "cannot cast Utf8 to Int64: it does not hold every value",
    );
  });
});

describe("conformer: a file's batches as the unified schema", () => {
  const source = { url: "/d/old.parquet", plugin: "@hygge/test" };

  it("passes batches of a file that has the unified schema through untouched", () => {
    const batch = batchOf({ id: vectorFromArray([1, 2], new Int32()) });
    expect(conformer(batch.schema, batch.schema, source)).toBeUndefined();
    const same = new Schema([new Field("id", new Int32(), true)]);
    expect(conformer(batch.schema, same, source)).toBeUndefined();
  });

  it("reorders by name, fills missing columns with nulls and widens, without copying kept columns", () => {
    const old = batchOf({
      name: vectorFromArray(["a", null, "c"], new Utf8()),
      id: vectorFromArray([1, 2, 3], new Int32()),
      flag: vectorFromArray([true, false, null], new Bool()),
    });
    const newer = batchOf({
      id: int64Vector(new Int64(), [I64_MAX]),
      name: vectorFromArray(["z"], new Utf8()),
      tags: vectorFromArray([["x", "y"]], new List(new Field("item", new Utf8(), true))),
      amount: decimalVector(12, 2, ["1.50"]),
      u: makeVector(makeData({ type: new FixedSizeBinary(16), length: 1, data: new Uint8Array(16).fill(1) })),
    });
    const unified = unifySchemas([
      { url: "/d/old.parquet", schema: old.schema },
      { url: "/d/new.parquet", schema: newer.schema },
    ])!;
    expect(unified.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "name:Utf8",
      "id:Int64",
      "flag:Bool",
      "tags:List<Utf8>",
      "amount:Decimal[12e+2]",
      "u:FixedSizeBinary[16]",
    ]);
    const out = conformer(old.schema, unified, source)!(old);
    expect(out.schema.fields).toEqual(unified.fields);
    expect(out.numRows).toBe(3);
    expect(out.getChildAt(0)!.data[0]).toBe(old.getChildAt(0)!.data[0]); // kept, not copied
    expect(toRows([out])).toEqual([
      { name: "a", id: "1", flag: true, tags: null, amount: null, u: null },
      { name: null, id: "2", flag: false, tags: null, amount: null, u: null },
      { name: "c", id: "3", flag: null, tags: null, amount: null, u: null },
    ]);
    const back = conformer(newer.schema, unified, source)!(newer);
    expect(back.getChildAt(1)!.data[0]).toBe(newer.getChildAt(0)!.data[0]);
    expect(toRows([back])).toEqual([
      {
        name: "z",
        id: "9223372036854775807",
        flag: null,
        tags: ["x", "y"],
        amount: "1.50",
        u: "AQEBAQEBAQEBAQEBAQEBAQ==",
      },
    ]);
  });

  it("keeps the uuid and json extensions on the conformed batch's fields", () => {
    const a = new Schema([uuidField("u"), jsonField("j")]);
    const b = new Schema([new Field("n", new Int32(), true), uuidField("u"), jsonField("j")]);
    const unified = unifySchemas([
      { url: "a", schema: a },
      { url: "b", schema: b },
    ])!;
    const batch = new RecordBatch(
      a,
      makeData({
        type: new Struct(a.fields),
        length: 1,
        nullCount: 0,
        children: [
          makeData({ type: new FixedSizeBinary(16), length: 1, data: new Uint8Array(16) }),
          vectorFromArray(['{"k":1}'], new Utf8()).data[0]!,
        ],
      }),
    );
    const out = conformer(a, unified, source)!(batch);
    expect(out.schema.fields.map((f) => extensionName(f))).toEqual(["arrow.uuid", "arrow.json", undefined]);
    expect(toRows([out])).toEqual([{ u: "AAAAAAAAAAAAAAAAAAAAAA==", j: '{"k":1}', n: null }]);
  });

  it("re-labels a file whose only difference is nullability, sharing every column", () => {
    const batch = batchOf({ id: vectorFromArray([1], new Int32()) });
    const strict = new Schema([new Field("id", new Int32(), false)]);
    const loose = unifySchemas([
      { url: "a", schema: strict },
      { url: "b", schema: batch.schema },
    ])!;
    const strictBatch = new RecordBatch(strict, batch.data);
    const out = conformer(strict, loose, source)!(strictBatch);
    expect(out.schema.fields[0]!.nullable).toBe(true);
    expect(out.getChildAt(0)!.data[0]).toBe(batch.getChildAt(0)!.data[0]);
  });

  it("refuses a value that overflows the wider type, naming the file, the column and both types", () => {
    const fileSchema = new Schema([new Field("at", new TimestampSecond(), true)]);
    const unified = new Schema([new Field("at", new TimestampNanosecond(), true)]);
    const batch = batchOf({ at: int64Vector(new TimestampSecond(), [1n, 10_000_000_000_000n]) });
    let error: unknown;
    try {
      conformer(fileSchema, unified, source)!(batch);
    } catch (e) {
      error = e;
    }
    expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
    expect((error as Error).message).toBe(
      '/d/old.parquet: column "at" holds 10000000000000 (timestamp[s]), which does not fit timestamp[ns], the type the entity\'s files are read as (another file has at as timestamp[ns])',
    );
    expect(isHyggeError(error) && error.plugin).toBe("@hygge/test");
  });

  it("null columns are built once per batch length and have every buffer", () => {
    const data = nullData(new Decimal(2, 10), 3);
    expect(data.nullCount).toBe(3);
    expect((data.values as Uint32Array).length).toBeGreaterThanOrEqual(12);
    const unified = new Schema([
      new Field("id", new Int32(), true),
      new Field("d", new Decimal(2, 10), true),
    ]);
    const conform = conformer(batchOf({ id: vectorFromArray([1, 2], new Int32()) }).schema, unified, source)!;
    const b1 = conform(batchOf({ id: vectorFromArray([1, 2], new Int32()) }));
    const b2 = conform(batchOf({ id: vectorFromArray([3, 4], new Int32()) }));
    expect(b2.getChildAt(1)!.data[0]).toBe(b1.getChildAt(1)!.data[0]);
    const b3 = conform(batchOf({ id: vectorFromArray([5], new Int32()) }));
    expect(toRows([b3])).toEqual([{ id: 5, d: null }]);
  });
});
