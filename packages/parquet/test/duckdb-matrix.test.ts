import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { runFlow } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { describeTypes, makeHome, makeStore, q, sql, tempDir } from "./helpers.js";

/** Every type DuckDB writes to Parquet that has an exact Arrow equivalent, with a row of NULLs. */
const MATRIX = `
SELECT * FROM (VALUES
  (1, true, (-128)::TINYINT, (-32768)::SMALLINT, (-2147483648)::INTEGER, (-9223372036854775808)::BIGINT,
   0::UTINYINT, 0::USMALLINT, 0::UINTEGER, 0::UBIGINT, 1.5::FLOAT, 3.141592653589793::DOUBLE,
   'hello', ''::BLOB, DATE '1970-01-01', TIME '00:00:00', TIMESTAMP '1970-01-01 00:00:00',
   TIMESTAMP_MS '2024-01-01 12:00:00.123', TIMESTAMP_NS '2024-01-01 12:00:00.123456789',
   TIMESTAMPTZ '2024-01-01 12:00:00.123456+00', 1234567.89::DECIMAL(9,2), 99999999999999.9999::DECIMAL(18,4),
   9999999999999999999999999999.9999999999::DECIMAL(38,10), '00000000-0000-0000-0000-000000000000'::UUID,
   [1, 2, NULL], ['a', ''], {'a': 1, 'b': 'x'}, MAP {'k': 1}, {'x': 1, 'y': [1, 2]},
   '{"a": [1, null]}'::JSON, {'t': TIMESTAMPTZ '2024-01-01 00:00:00.5+00', 'l': [TIMESTAMP_MS '2024-01-01 12:00:00.123', NULL], 'u': '00000000-0000-0000-0000-000000000001'::UUID}, '01:02:03.456789+00'::TIMETZ),
  (2, false, 127::TINYINT, 32767::SMALLINT, 2147483647::INTEGER, 9223372036854775807::BIGINT,
   255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER, 18446744073709551615::UBIGINT, (-0.25)::FLOAT, (-1e300)::DOUBLE,
   'ünïcødé ✓ 日本語 🚀', '\\x00\\xFF'::BLOB, DATE '2262-04-11', TIME '23:59:59.999999', TIMESTAMP '2262-04-11 23:47:16.854775',
   TIMESTAMP_MS '1969-12-31 23:59:59.999', TIMESTAMP_NS '1677-09-22 00:12:43.145225001',
   TIMESTAMPTZ '1900-01-01 00:00:00+00', (-0.01)::DECIMAL(9,2), (-1.0001)::DECIMAL(18,4),
   (-0.0000000001)::DECIMAL(38,10), 'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID,
   [], [NULL], {'a': NULL, 'b': NULL}, MAP {'k': NULL, 'l': 2}, {'x': NULL, 'y': []},
   '[]'::JSON, {'t': NULL, 'l': [], 'u': NULL}, '23:59:59+00'::TIMETZ),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, true, 0::TINYINT, 0::SMALLINT, 42::INTEGER, 9007199254740993::BIGINT, 1::UTINYINT, 1::USMALLINT, 1::UINTEGER,
   9223372036854775808::UBIGINT, 0::FLOAT, 5e-324::DOUBLE, 'line\nbreak,comma"quote', 'abc'::BLOB, DATE '0001-01-01',
   TIME '12:34:56.789', TIMESTAMP '2024-02-29 01:02:03.000004', TIMESTAMP_MS '2024-01-01', TIMESTAMP_NS '2024-01-01 00:00:00.000000001',
   TIMESTAMPTZ '2024-06-01 00:00:00.000001+00', 0::DECIMAL(9,2), 12345.6789::DECIMAL(18,4),
   (-1234567890123456789.1234567890)::DECIMAL(38,10), '12345678-1234-5678-1234-567812345678'::UUID,
   NULL, NULL, NULL, NULL, NULL, 'null'::JSON, NULL, NULL)
) t(id, bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, s, bin, d, tm, ts, ts_ms, ts_ns, tstz,
    dec_9_2, dec_18_4, dec_38_10, uuid, list_int, list_str, st, m, nested, js, nested_tz, ttz)`;

async function copy(src: string, dest: string, store: Record<string, unknown> = {}) {
  return runFlow({
    flow: "matrix",
    home: makeHome("/", undefined, { path: src }),
    store: makeStore("/", undefined, { path: dest, ...store }),
  });
}

async function expectSame(src: string, dest: string) {
  const a = `read_parquet(${q(src)})`;
  const b = `read_parquet(${q(join(dest, "*.parquet"))})`;
  expect(await sql(`SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}`)).toEqual([]);
  expect(await sql(`SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}`)).toEqual([]);
  expect(await describeTypes(`SELECT * FROM ${b}`)).toEqual(await describeTypes(`SELECT * FROM ${a}`));
  const [count] = await sql(`SELECT count(*)::INT AS n FROM ${a}`);
  const [countB] = await sql(`SELECT count(*)::INT AS n FROM ${b}`);
  expect(countB).toEqual(count);
}

describe("DuckDB type matrix through a parquet → parquet flow", () => {
  it("keeps every row and every column type exactly", async () => {
    const dir = await tempDir("matrix");
    const src = join(dir, "src.parquet");
    await sql(`COPY (${MATRIX}) TO ${q(src)} (FORMAT parquet)`);
    const report = await copy(src, join(dir, "out"));
    expect(report.rows).toBe(4);
    await expectSame(src, join(dir, "out"));
  });

  for (const codec of ["snappy", "zstd", "gzip", "brotli", "lz4", "none"] as const) {
    it(`reads DuckDB's ${codec} files and writes ${codec} files DuckDB reads back identically`, async () => {
      const dir = await tempDir(`codec-${codec}`);
      const src = join(dir, "src.parquet");
      const duckCodec = {
        snappy: "snappy",
        zstd: "zstd",
        gzip: "gzip",
        brotli: "brotli",
        lz4: "lz4_raw",
        none: "uncompressed",
      }[codec];
      await sql(
        `COPY (SELECT * FROM (${MATRIX}), range(500) r(k)) TO ${q(src)} (FORMAT parquet, COMPRESSION ${duckCodec}, ROW_GROUP_SIZE 300)`,
      );
      await copy(src, join(dir, "out"), { compression: codec, row_group_size: 700 });
      await expectSame(src, join(dir, "out"));
      const [meta] = await sql(
        `SELECT DISTINCT compression FROM parquet_metadata(${q(join(dir, "out", "*.parquet"))})`,
      );
      expect(String(meta?.compression).toLowerCase()).toBe(
        duckCodec === "uncompressed" ? "uncompressed" : duckCodec,
      );
    });
  }

  it("handles many row groups, several files and dictionary-heavy strings", async () => {
    const dir = await tempDir("many");
    const src = join(dir, "src");
    await mkdir(src);
    await sql(`CREATE OR REPLACE TABLE many AS SELECT i AS id, 'name-' || (i % 97) AS name, i * 0.5 AS amount,
      CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND END AS at FROM range(25000) r(i)`);
    await sql(
      `COPY (SELECT * FROM many WHERE id < 12000) TO ${q(join(src, "a.parquet"))} (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
    );
    await sql(
      `COPY (SELECT * FROM many WHERE id >= 12000) TO ${q(join(src, "b.parquet"))} (FORMAT parquet, ROW_GROUP_SIZE 2048)`,
    );
    await copy(src, join(dir, "out"), { row_group_size: 3000, max_rows_per_file: 10000 });
    const files = await sql(
      `SELECT file_name, count(DISTINCT row_group_id)::INT AS groups FROM parquet_metadata(${q(join(dir, "out", "*.parquet"))}) GROUP BY ALL ORDER BY 1`,
    );
    expect(files.map((f) => f.groups)).toEqual([4, 4, 2]);
    const a = `SELECT * FROM read_parquet(${q(join(src, "*.parquet"))})`;
    const b = `SELECT * FROM read_parquet(${q(join(dir, "out", "*.parquet"))})`;
    expect(await sql(`${a} EXCEPT ALL ${b}`)).toEqual([]);
    expect(await sql(`${b} EXCEPT ALL ${a}`)).toEqual([]);
    expect(await sql(`SELECT count(*)::INT AS n FROM (${b})`)).toEqual([{ n: 25000 }]);
  });

  it("copies an empty file as an empty file with the same schema", async () => {
    const dir = await tempDir("empty");
    const src = join(dir, "src.parquet");
    await sql(`COPY (SELECT * FROM (${MATRIX}) WHERE false) TO ${q(src)} (FORMAT parquet)`);
    const report = await copy(src, join(dir, "out"));
    expect(report.rows).toBe(0);
    await expectSame(src, join(dir, "out"));
  });
});
