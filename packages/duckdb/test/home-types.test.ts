import { formatUuid, isJsonField, isUuidField, toRows } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { type Field, type RecordBatch, Type } from "apache-arrow";
import { makeHome, projectDir, readAll } from "./home-helpers.js";

const dir = await projectDir("types");

/** Reads `select v::<type> from (values …)` and gives the one column's field and values (JSON form). */
async function column(type: string, literals: string[], batchSize?: number) {
  const values = literals.map((l) => `(${l})`).join(", ");
  const query = `select v::${type} as v from (values ${values}) t(v)`;
  const batches = await readAll(makeHome(dir, { query, ...(batchSize ? { batch_size: batchSize } : {}) }));
  const field = batches[0]!.schema.fields[0]! as Field;
  return { field, type: String(field.type), values: toRows(batches).map((r) => r.v), batches };
}

describe("duckdb home: every mapped type, exact", () => {
  it.each([
    ["TINYINT", ["-128", "127", "NULL", "0"], "Int8", [-128, 127, null, 0]],
    ["SMALLINT", ["-32768", "32767", "NULL"], "Int16", [-32768, 32767, null]],
    ["INTEGER", ["-2147483648", "2147483647", "NULL"], "Int32", [-2147483648, 2147483647, null]],
    [
      "BIGINT",
      ["-9223372036854775808", "9223372036854775807", "NULL", "9007199254740993"],
      "Int64",
      ["-9223372036854775808", "9223372036854775807", null, "9007199254740993"],
    ],
    ["UTINYINT", ["255", "NULL", "0"], "Uint8", [255, null, 0]],
    ["USMALLINT", ["65535", "NULL"], "Uint16", [65535, null]],
    ["UINTEGER", ["4294967295", "NULL"], "Uint32", [4294967295, null]],
    ["UBIGINT", ["18446744073709551615", "NULL", "0"], "Uint64", ["18446744073709551615", null, "0"]],
    ["FLOAT", ["1.5", "NULL", "-0.25"], "Float32", [1.5, null, -0.25]],
    ["DOUBLE", ["pi()", "NULL", "5e-324", "-1e300"], "Float64", [Math.PI, null, 5e-324, -1e300]],
    ["BOOLEAN", ["true", "false", "NULL", "true"], "Bool", [true, false, null, true]],
    [
      "VARCHAR",
      ["'hello'", "''", "NULL", "'ünïcødé ✓ 日本語 🚀'", "'a string longer than twelve bytes, not inlined'"],
      "Utf8",
      ["hello", "", null, "ünïcødé ✓ 日本語 🚀", "a string longer than twelve bytes, not inlined"],
    ],
    ["ENUM('x', 'ÿ', 'zz')", ["'ÿ'", "NULL", "'zz'", "'x'"], "Utf8", ["ÿ", null, "zz", "x"]],
    [
      "DATE",
      ["'0001-01-01'", "'1969-12-31'", "NULL", "'9999-12-31'"],
      "Date32<DAY>",
      ["-719162", "-1", null, "2932896"],
    ],
    ["TIME", ["'23:59:59.999999'", "NULL", "'00:00:00'"], "Time64<MICROSECOND>", ["86399999999", null, "0"]],
    ["TIME_NS", ["'00:00:00.000000001'", "NULL"], "Time64<NANOSECOND>", ["1", null]],
    ["TIMESTAMP_S", ["'1969-12-31 23:59:59'", "NULL"], "Timestamp<SECOND>", ["-1", null]],
    [
      "TIMESTAMP_MS",
      ["'2024-01-01 00:00:00.123'", "NULL"],
      "Timestamp<MILLISECOND>",
      ["1704067200123", null],
    ],
    [
      "TIMESTAMP",
      ["'2024-01-01 00:00:00.123456'", "NULL", "'1900-01-01'"],
      "Timestamp<MICROSECOND>",
      ["1704067200123456", null, "-2208988800000000"],
    ],
    [
      "TIMESTAMP_NS",
      ["'1969-12-31 23:59:59.999999999'", "NULL", "'2024-01-01 00:00:00.123456789'"],
      "Timestamp<NANOSECOND>",
      ["-1", null, "1704067200123456789"],
    ],
    [
      "TIMESTAMPTZ",
      ["'2024-01-01 00:00:00.000001+02'", "NULL"],
      "Timestamp<MICROSECOND, UTC>",
      [String(1704067200000001n - 7200000000n), null],
    ],
    ["DECIMAL(4,1)", ["'-999.9'", "NULL", "'0.1'"], "Decimal[4e+1]", ["-999.9", null, "0.1"]],
    ["DECIMAL(9,2)", ["'1234567.89'", "'-0.01'", "NULL"], "Decimal[9e+2]", ["1234567.89", "-0.01", null]],
    [
      "DECIMAL(18,4)",
      ["'99999999999999.9999'", "'-1.0001'", "NULL"],
      "Decimal[18e+4]",
      ["99999999999999.9999", "-1.0001", null],
    ],
    [
      "DECIMAL(38,10)",
      [
        "'9999999999999999999999999999.9999999999'",
        "'-0.0000000001'",
        "NULL",
        "'-1234567890123456789.1234567890'",
      ],
      "Decimal[38e+10]",
      ["9999999999999999999999999999.9999999999", "-0.0000000001", null, "-1234567890123456789.1234567890"],
    ],
  ] as const)("%s", async (type, literals, arrow, expected) => {
    const got = await column(type, [...literals]);
    expect(got.type).toBe(arrow);
    expect(got.values).toEqual(expected);
    expect(got.field.nullable).toBe(true);
  });

  it("BLOB → Binary, bytes as they are (NUL and 0xff included)", async () => {
    const got = await column("BLOB", [
      "'\\x00\\x01\\xFF'::BLOB",
      "NULL",
      "''::BLOB",
      "repeat('ab', 20)::BLOB",
    ]);
    expect(got.type).toBe("Binary");
    expect(got.values).toEqual([
      Buffer.from([0, 1, 255]).toString("base64"),
      null,
      "",
      Buffer.from("ab".repeat(20)).toString("base64"),
    ]);
  });

  it("UUID → arrow.uuid (16 RFC 4122 bytes)", async () => {
    const uuids = [
      "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
      "123e4567-e89b-12d3-a456-426614174000",
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    ];
    const got = await column("UUID", [...uuids.map((u) => `'${u}'`), "NULL"]);
    expect(isUuidField(got.field)).toBe(true);
    const vector = got.batches[0]!.getChildAt(0)!;
    const read = Array.from({ length: 5 }, (_, i) => (vector.isValid(i) ? formatUuid(vector.get(i)) : null));
    expect(read).toEqual([...uuids, null]);
  });

  it("JSON → arrow.json (the text as DuckDB holds it)", async () => {
    const got = await column("JSON", [
      `'{"a":1,"b":[true,null]}'`,
      "NULL",
      `'"ünïcødé 🚀"'`,
      `'{"big":12345678901234567890}'`,
    ]);
    expect(isJsonField(got.field)).toBe(true);
    expect(got.field.type.typeId).toBe(Type.Utf8);
    expect(got.values).toEqual([
      '{"a":1,"b":[true,null]}',
      null,
      '"ünïcødé 🚀"',
      '{"big":12345678901234567890}',
    ]);
  });

  it("keeps values and nulls across chunks and batch boundaries (unaligned slices)", async () => {
    // 5000 rows in chunks of 2048, re-batched by 777: every slice starts at another bit offset;
    // strings inline (≤ 12 bytes) and in DuckDB's heap, interleaved with nulls.
    const query =
      "select range::BIGINT as i, case when range % 3 = 0 then null when range % 4 = 0 then range::VARCHAR " +
      "else 'a longer value, ünïcødé 🚀 ' || range end as s, " +
      "case when range % 5 = 0 then null else range % 2 = 0 end as b, " +
      "case when range % 7 = 0 then null else (range * 1.25)::DECIMAL(18,2) end as d from range(5000)";
    const batches = await readAll(makeHome(dir, { query, batch_size: 777 }));
    expect(batches.map((b) => b.numRows)).toEqual([...Array(6).fill(777), 5000 - 6 * 777]);
    const rows = toRows(batches);
    rows.forEach((r, n) => {
      expect(r).toEqual({
        i: String(n),
        s: n % 3 === 0 ? null : n % 4 === 0 ? String(n) : `a longer value, ünïcødé 🚀 ${n}`,
        b: n % 5 === 0 ? null : n % 2 === 0,
        d: n % 7 === 0 ? null : (n * 1.25).toFixed(2),
      });
    });
    const nulls = (b: RecordBatch, c: number) => b.getChildAt(c)!.nullCount;
    expect(batches.reduce((n, b) => n + nulls(b, 1), 0)).toBe(Math.ceil(5000 / 3));
  });

  it("an empty result is one batch of zero rows with the columns", async () => {
    const batches = await readAll(makeHome(dir, { query: "select 1::INTEGER as a, 'x' as b where false" }));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.numRows).toBe(0);
    expect(batches[0]!.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["a:Int32", "b:Utf8"]);
  });

  it("infinite dates and timestamps are refused, naming the column", async () => {
    for (const [type, literal] of [
      ["DATE", "'infinity'"],
      ["TIMESTAMP", "'-infinity'"],
      ["TIMESTAMP_S", "'infinity'"],
      ["TIMESTAMP_MS", "'-infinity'"],
      ["TIMESTAMP_NS", "'infinity'"],
      ["TIMESTAMPTZ", "'infinity'"],
    ]) {
      await expect(column(type!, ["NULL", literal!])).rejects.toMatchObject({
        code: "HOME_READ_FAILED",
        subject: "v",
        message: expect.stringContaining('column "v" holds infinity'),
      });
    }
  });
});
