import { join } from "node:path";
import { typeNameOf } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { q, readFile, sql, tempDir, writeFile } from "./helpers.js";

/**
 * The matrix DuckDB writes with COPY … (FORMAT csv): quoting, embedded newlines and delimiters,
 * unicode, '' versus NULL, int64 extremes, decimals, dates, timestamps with and without zone.
 */
const MATRIX = `
SELECT * FROM (VALUES
  (1, 'plain', -9223372036854775808, 1234567.8901::DECIMAL(18,4), 9999999999999999999999999999.9999999999::DECIMAL(38,10),
   DATE '0001-01-01', TIMESTAMP '1970-01-01 00:00:00', TIMESTAMPTZ '2024-01-01 12:00:00.123456+00', true),
  (2, 'comma, "quote"
newline', 9223372036854775807, -0.0001::DECIMAL(18,4), (-0.0000000001)::DECIMAL(38,10),
   DATE '9999-12-31', TIMESTAMP '2024-02-29 23:59:59.999999', TIMESTAMPTZ '1950-01-01 00:00:00+00', false),
  (3, '', 0, 0::DECIMAL(18,4), 0::DECIMAL(38,10), DATE '1970-01-01', TIMESTAMP '1969-12-31 23:59:59.000001',
   TIMESTAMPTZ '2024-06-30 23:30:00+00', NULL),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 'ünïcødé ✓ 日本語 🚀;|\t', 9007199254740993, 12.5::DECIMAL(18,4), 1::DECIMAL(38,10),
   DATE '2024-02-29', TIMESTAMP '2262-04-11 23:47:16.854775', TIMESTAMPTZ '2024-03-31 01:59:59.999999+00', true),
  (6, ' spaced ', -1, -99999999999999.9999::DECIMAL(18,4), -12345678901234567890.1234567890::DECIMAL(38,10),
   DATE '1969-12-31', TIMESTAMP '1677-09-22 00:00:00', TIMESTAMPTZ '2262-01-01 00:00:00+00', false)
) t(id, s, i64, dec, dec38, d, ts, tstz, b)`;

const DECLARED = {
  id: "int64",
  s: "string",
  i64: "int64",
  dec: "decimal(18, 4)",
  dec38: "decimal(38, 10)",
  d: "date",
  ts: "timestamp[us]",
  tstz: "timestamp[us, UTC]",
  b: "bool",
};
const DUCK_TYPES = `{'id': 'BIGINT', 's': 'VARCHAR', 'i64': 'BIGINT', 'dec': 'DECIMAL(18,4)', 'dec38': 'DECIMAL(38,10)',
  'd': 'DATE', 'ts': 'TIMESTAMP', 'tstz': 'TIMESTAMPTZ', 'b': 'BOOLEAN'}`;

/** DuckDB's values in the form core's toRows gives ours (int64 and decimals as text, dates in days…). */
const EXPECTED = (from: string) => `
SELECT id::VARCHAR AS id, s, i64::VARCHAR AS i64, dec::VARCHAR AS dec, dec38::VARCHAR AS dec38,
  (d - DATE '1970-01-01')::VARCHAR AS d, epoch_us(ts)::VARCHAR AS ts, epoch_us(tstz)::VARCHAR AS tstz, b
FROM ${from} ORDER BY id`;

async function same(a: string, b: string) {
  expect(await sql(`SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}`)).toEqual([]);
  expect(await sql(`SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}`)).toEqual([]);
  expect(await sql(`SELECT count(*)::INT AS n FROM ${b}`)).toEqual([{ n: 6 }]);
}

describe("CSV against DuckDB", () => {
  // Offsets other than +00 in DuckDB's output: it writes TIMESTAMPTZ in its session zone (to the
  // minute: before 1900 local mean times have second offsets that DuckDB drops, so the matrix avoids them).
  for (const zone of ["UTC", "Asia/Kolkata", "America/St_Johns"]) {
    it(`reads DuckDB's COPY … (FORMAT csv) exactly, declared and inferred (session zone ${zone})`, async () => {
      const dir = await tempDir("duck");
      const src = join(dir, "duck.csv");
      await sql(`SET TimeZone = '${zone}'`);
      await sql(`COPY (${MATRIX}) TO ${q(src)} (FORMAT csv, HEADER)`);
      await sql("SET TimeZone = 'UTC'");
      const expected = await sql(EXPECTED(`(${MATRIX})`));
      const declared = await readFile(src, { columns: DECLARED });
      expect(declared.rows).toEqual(expected);
      const inferred = await readFile(src);
      expect(Object.fromEntries(inferred.schema.fields.map((f) => [f.name, typeNameOf(f)]))).toEqual({
        ...DECLARED,
        dec: "decimal(18, 4)",
        dec38: "decimal(38, 10)",
      });
      expect(inferred.rows).toEqual(expected);
    });
  }

  for (const compression of ["none", "gzip"] as const) {
    it(`writes CSV (${compression}) that DuckDB's read_csv reads back identically`, async () => {
      const dir = await tempDir("out");
      const src = join(dir, "duck.csv");
      await sql(`COPY (${MATRIX}) TO ${q(src)} (FORMAT csv, HEADER)`);
      const { schema, batches } = await readFile(src, { columns: DECLARED, batch_size: 4 });
      const out = join(dir, compression === "gzip" ? "out.csv.gz" : "out.csv");
      const bytes = await writeFile(out, schema, batches, { compression });
      expect(bytes).toBeGreaterThan(100);
      // allow_quoted_nulls = false: DuckDB otherwise reads "" (an empty string) as NULL.
      const back = `read_csv(${q(out)}, header = true, columns = ${DUCK_TYPES}, allow_quoted_nulls = false)`;
      await same(`(${MATRIX})`, back);
      // And hygge reads its own file back to the same values.
      expect((await readFile(out, { columns: DECLARED })).rows).toEqual(await sql(EXPECTED(`(${MATRIX})`)));
    });
  }

  it("writes empty strings quoted and nulls empty, as DuckDB does", async () => {
    const dir = await tempDir("nulls");
    const src = join(dir, "src.csv");
    await sql(`COPY (SELECT * FROM (VALUES (1, ''), (2, NULL)) t(id, s)) TO ${q(src)} (FORMAT csv, HEADER)`);
    const { schema, batches } = await readFile(src);
    const out = join(dir, "out.csv");
    await writeFile(out, schema, batches);
    const { readFile: read } = await import("node:fs/promises");
    expect(await read(out, "utf8")).toBe(await read(src, "utf8"));
  });
});
