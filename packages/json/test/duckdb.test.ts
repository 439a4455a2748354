import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { q, readFile, sql, tempDir, writeFile } from "./helpers.js";

/** DuckDB column types, as `columns:` of read_json and as hygge's `columns:`. */
const TYPES: [string, string, string][] = [
  ["id", "INTEGER", "int32"],
  ["i64", "BIGINT", "int64"],
  ["u64", "UBIGINT", "uint64"],
  ["dec", "DECIMAL(38,10)", "decimal(38, 10)"],
  ["dec9", "DECIMAL(9,2)", "decimal(9, 2)"],
  ["f", "DOUBLE", "float64"],
  ["b", "BOOLEAN", "bool"],
  ["s", "VARCHAR", "string"],
  ["d", "DATE", "date"],
  ["ts", "TIMESTAMP", "timestamp[us]"],
  ["tstz", "TIMESTAMPTZ", "timestamp[us, UTC]"],
  ["u", "UUID", "uuid"],
  ["l", "BIGINT[]", "list<int64>"],
  ["ls", "VARCHAR[]", "list<string>"],
];

const MATRIX = `SELECT * FROM (VALUES
  (1, 9223372036854775807::BIGINT, 18446744073709551615::UBIGINT, 9999999999999999999999999999.9999999999::DECIMAL(38,10),
   1234567.89::DECIMAL(9,2), 3.141592653589793::DOUBLE, true, 'ünïcødé ✓ 日本語 🚀', DATE '2024-02-29',
   TIMESTAMP '2024-01-01 12:00:00.123456', TIMESTAMPTZ '2024-06-01 00:00:00.000001+02', '00000000-0000-0000-0000-000000000000'::UUID,
   [1, NULL, 9007199254740993], ['a', ''], {'x': 1, 'y': [1.5, NULL]}),
  (2, (-9223372036854775808)::BIGINT, 0::UBIGINT, (-0.0000000001)::DECIMAL(38,10), (-0.01)::DECIMAL(9,2), -1e300::DOUBLE, false,
   'tab\tquote"back\\slash\nnewline \u0001 ctl', DATE '0001-01-01', TIMESTAMP '1969-12-31 23:59:59.999999',
   TIMESTAMPTZ '1900-01-01 00:00:00+00', 'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID, [], [NULL], {'x': NULL, 'y': []}),
  (3, 9007199254740993::BIGINT, 9223372036854775808::UBIGINT, 12345678901234567890.5::DECIMAL(38,10), 0::DECIMAL(9,2), 5e-324::DOUBLE, NULL,
   '', DATE '9999-12-31', TIMESTAMP '2262-04-11 23:47:16.854775', TIMESTAMPTZ '2024-01-01 00:00:00.5-05:30', NULL, NULL, NULL, NULL),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
) t(${TYPES.map(([n]) => n).join(", ")}, st)`;

const duckColumns = `{${TYPES.map(([n, t]) => `${n}: '${t}'`).join(", ")}, st: 'STRUCT(x BIGINT, y DOUBLE[])'}`;
const hyggeColumns = Object.fromEntries(TYPES.map(([n, , h]) => [n, h]));

/** Both ways: rows of `a` not in `b` and of `b` not in `a` (multiset difference). */
async function expectSameRows(a: string, b: string) {
  expect(await sql(`SELECT * FROM (${a}) EXCEPT ALL SELECT * FROM (${b})`)).toEqual([]);
  expect(await sql(`SELECT * FROM (${b}) EXCEPT ALL SELECT * FROM (${a})`)).toEqual([]);
  expect((await sql(`SELECT count(*)::INT n FROM (${b})`))[0]).toEqual(
    (await sql(`SELECT count(*)::INT n FROM (${a})`))[0],
  );
}

describe("NDJSON against DuckDB", () => {
  for (const gzip of [false, true]) {
    const ext = gzip ? ".ndjson.gz" : ".ndjson";
    it(`reads DuckDB's COPY (FORMAT json${gzip ? ", gzip" : ""}) exactly and writes a file read_json reads back identically`, async () => {
      const dir = await tempDir();
      const src = join(dir, `src${ext}`);
      await sql(`COPY (${MATRIX}) TO ${q(src)} (FORMAT json${gzip ? ", COMPRESSION gzip" : ""})`);
      // The struct column is inferred (type names have no struct syntax); the rest declared.
      const { schema, batches, rows } = await readFile(src, { columns: hyggeColumns });
      expect(rows.map((r) => r.i64)).toEqual([
        "9223372036854775807",
        "-9223372036854775808",
        "9007199254740993",
        null,
      ]);
      expect(rows.map((r) => r.u64)).toEqual(["18446744073709551615", "0", "9223372036854775808", null]);
      expect(rows[0]!.dec).toBe("9999999999999999999999999999.9999999999");
      expect(rows[2]!.dec).toBe("12345678901234567890.5000000000");
      expect(rows[0]!.l).toEqual(["1", null, "9007199254740993"]);
      expect(rows[0]!.st).toEqual({ x: "1", y: [1.5, null] });
      expect(rows[1]!.s).toBe('tab\tquote"back\\slash\nnewline \u0001 ctl');
      expect(rows[2]!.s).toBe("");
      expect(rows[3]!.s).toBeNull();

      const out = join(dir, `out${ext}`);
      const { bytes } = await writeFile(out, schema, batches, { compression: gzip ? "gzip" : "none" });
      expect(bytes).toBeGreaterThan(0);
      await expectSameRows(MATRIX, `SELECT * FROM read_json(${q(out)}, columns = ${duckColumns})`);
    });
  }

  it("reads missing keys as null, distinct from empty strings, and writes them as null", async () => {
    const dir = await tempDir();
    const src = join(dir, "m.jsonl");
    const { writeFile: fsWrite } = await import("node:fs/promises");
    await fsWrite(src, '{"a": "x", "b": 1}\n{"b": 2}\n{"a": "", "b": null}\n{"a": null}');
    const { schema, batches, rows } = await readFile(src);
    expect(rows).toEqual([
      { a: "x", b: "1" },
      { a: null, b: "2" },
      { a: "", b: null },
      { a: null, b: null },
    ]);
    const out = join(dir, "out.ndjson");
    await writeFile(out, schema, batches);
    expect(await sql(`SELECT a, b FROM read_json(${q(out)}, columns = {a: 'VARCHAR', b: 'BIGINT'})`)).toEqual(
      [
        { a: "x", b: "1" },
        { a: null, b: "2" },
        { a: "", b: null },
        { a: null, b: null },
      ],
    );
  });

  it("streams a 50k-row file DuckDB wrote, across chunks and batches, with DuckDB's sums", async () => {
    const dir = await tempDir();
    const src = join(dir, "big.ndjson");
    await sql(
      `COPY (SELECT r AS id, r * 9007199254740 AS big, 'name ' || r AS name, (r % 1000) / 100.0 AS x FROM range(50000) t(r)) TO ${q(src)} (FORMAT json)`,
    );
    const { schema, batches } = await readFile(src, { batch_size: 8192 });
    expect(schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "id:Int64",
      "big:Int64",
      "name:Utf8",
      "x:Float64",
    ]);
    let rows = 0;
    let big = 0n;
    let names = 0;
    for (const b of batches) {
      rows += b.numRows;
      for (const v of b.getChild("big")!.toArray() as BigInt64Array) big += v;
      names += b.getChild("name")!.length;
    }
    const [expected] = await sql(`SELECT count(*)::BIGINT n, sum(big)::HUGEINT s FROM read_json(${q(src)})`);
    expect(rows).toBe(Number(expected!.n));
    expect(big.toString()).toBe(expected!.s);
    expect(names).toBe(50000);
    expect(batches.length).toBe(Math.ceil(50000 / 8192));
  });
});
