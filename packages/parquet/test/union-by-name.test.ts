import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type HyggeError, isHyggeError, runFlow, toRows, typeNameOf } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { describeTypes, makeHome, makeStore, q, readAll, sql, tempDir } from "./helpers.js";

const ctx = { signal: new AbortController().signal, flow: "test", runType: "full_drop" as const };
const union = (folder: string) => `read_parquet(${q(join(folder, "*.parquet"))}, union_by_name = true)`;

/** Files of one folder, each written by DuckDB: `name.parquet` ← the query. */
async function folderOf(dir: string, files: Record<string, string>): Promise<string> {
  const folder = join(dir, "in");
  await mkdir(folder, { recursive: true });
  for (const [name, query] of Object.entries(files))
    await sql(`COPY (${query}) TO ${q(join(folder, `${name}.parquet`))} (FORMAT parquet)`);
  return folder;
}

async function refusal(promise: Promise<unknown>): Promise<HyggeError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  );
  if (!isHyggeError(error)) throw error;
  return error;
}

/**
 * Added, missing, widened and reordered columns across three files:
 * a: the first file's order; b: reordered, id int64, amount decimal(18, 4), seen in µs, small int16,
 * ts in ns, tss in ms, score missing, extra new; c: extra first, amount an integer, most missing.
 */
const EVOLVED = {
  a: `SELECT * FROM (VALUES
      (1::INTEGER, 'a', 1.5::DECIMAL(9,2), TIMESTAMP_MS '2024-01-01 00:00:00.123', 1.5::FLOAT, 200::UTINYINT,
       TIMESTAMP '2024-01-01 00:00:00.000001', TIMESTAMP_S '2024-01-01 00:00:01', TIMESTAMPTZ '2024-05-01 10:00:00+00'),
      ((-2147483648)::INTEGER, NULL, (-9999999.99)::DECIMAL(9,2), NULL, 3.140000104904175::FLOAT, 0::UTINYINT,
       TIMESTAMP '1677-09-22 00:12:43.145225', NULL, NULL))
     t(id, name, amount, seen, score, small, ts, tss, tz)`,
  b: `SELECT * FROM (VALUES
      ('b', 9223372036854775807::BIGINT, 12345678901234.5678::DECIMAL(18,4), TIMESTAMP '2024-01-01 00:00:00.123456',
       (-300)::SMALLINT, 'x', TIMESTAMP_NS '2024-01-01 00:00:00.000000001', TIMESTAMP_MS '2024-01-01 00:00:00.001',
       TIMESTAMPTZ '2024-05-01 10:00:00.5+00'),
      (NULL, 4::BIGINT, NULL, TIMESTAMP '1900-01-01 00:00:00', 32767::SMALLINT, NULL, NULL, NULL, NULL))
     t(name, id, amount, seen, small, extra, ts, tss, tz)`,
  c: `SELECT * FROM (VALUES ('y', 3::INTEGER, 2.25::DOUBLE, 7::INTEGER), (NULL, 5::INTEGER, NULL, (-2147483648)::INTEGER))
     t(extra, id, score, amount)`,
};

/**
 * DuckDB's union of the folder with every value in the exact text form of hygge's `toRows`
 * (64-bit integers and decimals as strings, timestamps as integers in their unit).
 */
const DUCK_ROWS = (folder: string) => `
  SELECT id::VARCHAR AS id, name, amount::VARCHAR AS amount, epoch_us(seen)::VARCHAR AS seen, score, small,
         epoch_ns(ts)::VARCHAR AS ts, epoch_us(tss)::VARCHAR AS tss, epoch_us(tz)::VARCHAR AS tz, extra
  FROM ${union(folder)} ORDER BY id`;

describe("the parquet home reads a folder of files with different but compatible schemas by column name", () => {
  it("unifies like DuckDB's union_by_name: same columns, types, rows and values", async () => {
    const dir = await tempDir("union");
    const folder = await folderOf(dir, EVOLVED);
    const home = makeHome(dir, undefined, { path: folder });
    const schema = await home.schema!(ctx);
    expect(schema.fields.map((f) => `${f.name}:${typeNameOf(f)}`)).toEqual([
      "id:int64",
      "name:string",
      "amount:decimal(18, 4)",
      "seen:timestamp[us]",
      "score:float64",
      "small:int16",
      "ts:timestamp[ns]",
      "tss:timestamp[us]",
      "tz:timestamp[us, UTC]",
      "extra:string",
    ]);
    expect(schema.fields.every((f) => f.nullable)).toBe(true);
    const batches = await readAll(home);
    for (const b of batches) expect(b.schema.fields.map(String)).toEqual(schema.fields.map(String));
    const rows = toRows(batches).sort((x, y) => (BigInt(x.id as string) < BigInt(y.id as string) ? -1 : 1));
    const expected = await sql(DUCK_ROWS(folder));
    expect(rows).toEqual(expected);
    expect(rows).toHaveLength(6);
    // Spot checks against the files, not only against DuckDB.
    expect(rows.find((r) => r.id === "3")).toMatchObject({
      amount: "7.0000",
      name: null,
      ts: null,
      extra: "y",
    });
    expect(rows.find((r) => r.id === "1")).toMatchObject({
      seen: "1704067200123000",
      ts: "1704067200000001000",
    });
    await home.close();
  });

  it("a flow through the folder publishes what DuckDB's union_by_name reads, with the widened types", async () => {
    const dir = await tempDir("union-flow");
    const folder = await folderOf(dir, EVOLVED);
    const out = join(dir, "out");
    const report = await runFlow({
      flow: "f",
      home: makeHome(dir, undefined, { path: folder }),
      store: makeStore(dir, undefined, { path: out }),
    });
    expect(report.rows).toBe(6);
    const published = `read_parquet(${q(join(out, "*.parquet"))})`;
    expect(await sql(`SELECT * FROM ${union(folder)} EXCEPT ALL SELECT * FROM ${published}`)).toEqual([]);
    expect(await sql(`SELECT * FROM ${published} EXCEPT ALL SELECT * FROM ${union(folder)}`)).toEqual([]);
    expect(await describeTypes(`SELECT * FROM ${published}`)).toEqual(
      await describeTypes(`SELECT * FROM ${union(folder)}`),
    );
  });

  it("many row groups: every row exactly once, the narrow file's values widened", async () => {
    const dir = await tempDir("union-big");
    const folder = await folderOf(dir, {
      a: "SELECT i::INTEGER AS id, (i % 1000)::FLOAT AS f, i::DECIMAL(9,2) AS d FROM range(120000) r(i)",
      b: "SELECT (i + 1000000)::BIGINT AS id, i::DECIMAL(12,3) AS d, 'v' || i AS s FROM range(80000) r(i)",
    });
    const home = makeHome(dir, undefined, { path: folder });
    const batches = await readAll(home);
    expect(batches.length).toBeGreaterThan(2);
    const out = join(dir, "out");
    await runFlow({
      flow: "f",
      home: makeHome(dir, undefined, { path: folder }),
      store: makeStore(dir, undefined, { path: out }),
    });
    const published = `read_parquet(${q(join(out, "*.parquet"))})`;
    expect(await sql(`SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS k FROM ${published}`)).toEqual([
      { n: 200000, k: 200000 },
    ]);
    expect(await sql(`SELECT * FROM ${union(folder)} EXCEPT ALL SELECT * FROM ${published}`)).toEqual([]);
    expect(await sql(`SELECT * FROM ${published} EXCEPT ALL SELECT * FROM ${union(folder)}`)).toEqual([]);
    expect(await describeTypes(`SELECT * FROM ${published}`)).toEqual([
      "id:BIGINT",
      "f:FLOAT",
      "d:DECIMAL(12,3)",
      "s:VARCHAR",
    ]);
  });

  it.each([
    [
      "an integer and a string",
      "SELECT 1::INTEGER AS x",
      "SELECT 'one' AS x",
      'column "x" is string in B but int32 in A',
    ],
    [
      "a zoned and a wall-clock timestamp",
      "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' AS x",
      "SELECT TIMESTAMP '2024-01-01 00:00:00' AS x",
      'column "x" is timestamp[us] in B but timestamp[us, UTC] in A',
    ],
    [
      "decimals narrower both ways",
      "SELECT 1.25::DECIMAL(10,2) AS x",
      "SELECT 1::DECIMAL(12,0) AS x",
      'column "x" is decimal(12, 0) in B but decimal(10, 2) in A',
    ],
    [
      "int64 and float64",
      "SELECT 1::BIGINT AS x",
      "SELECT 1.5::DOUBLE AS x",
      'column "x" is float64 in B but int64 in A',
    ],
  ])("refuses %s in one folder, naming both files, the column and both types", async (_l, a, b, text) => {
    const dir = await tempDir("union-bad");
    const folder = await folderOf(dir, {
      a: `SELECT 1 AS id, * FROM (${a})`,
      b: `SELECT 2 AS id, * FROM (${b})`,
    });
    const message = text.replace("A", join(folder, "a.parquet")).replace("B", join(folder, "b.parquet"));
    const home = makeHome(dir, undefined, { path: folder });
    const error = await refusal(home.schema!(ctx));
    expect(error.code).toBe("SCHEMA_MISMATCH");
    expect(error.message).toContain(message);
    expect(error.plugin).toBe("@hygge/parquet");
    expect(error.hint).toContain("move the odd file elsewhere");
    // A flow fails the same way before writing anything.
    const out = join(dir, "out");
    const failed = await refusal(
      runFlow({
        flow: "f",
        home: makeHome(dir, undefined, { path: folder }),
        store: makeStore(dir, undefined, { path: out }),
      }),
    );
    expect(failed.code).toBe("SCHEMA_MISMATCH");
    expect(failed.message).toContain(message);
  });

  it("refuses a value the finer unit cannot carry, naming the file and the column", async () => {
    const dir = await tempDir("union-overflow");
    const folder = await folderOf(dir, {
      a: "SELECT TIMESTAMP '2300-01-01 00:00:00' AS ts",
      b: "SELECT TIMESTAMP_NS '2024-01-01 00:00:00.000000001' AS ts",
    });
    const error = await refusal(readAll(makeHome(dir, undefined, { path: folder })));
    expect(error.code).toBe("HOME_READ_FAILED");
    expect(error.message).toBe(
      `${join(folder, "a.parquet")}: column "ts" holds 10413792000000000 (timestamp[us]), which does not fit timestamp[ns], the type the entity's files are read as (another file has ts as timestamp[ns])`,
    );
  });

  it("columns: selects a column older files lack (null there); a name no file has is refused naming the folder", async () => {
    const dir = await tempDir("union-columns");
    const folder = await folderOf(dir, {
      "part-1": "SELECT 1::BIGINT AS id, 'a' AS name",
      "part-2": "SELECT 2::BIGINT AS id, 'b' AS name, 'hello' AS note",
    });
    const home = makeHome(dir, undefined, { path: "in", columns: ["id", "note"] });
    const rows = toRows(await readAll(home, undefined));
    expect(rows).toEqual([
      { id: "1", note: null },
      { id: "2", note: "hello" },
    ]);
    expect(rows).toEqual(await sql(`SELECT id::VARCHAR AS id, note FROM ${union(folder)} ORDER BY id`));
    const typo = makeHome(dir, undefined, { path: "in", columns: ["id", "nope"] });
    const error = await refusal(typo.schema!(ctx));
    expect(error.code).toBe("HOME_READ_FAILED");
    expect(error.message).toContain("`columns` names nope, which none of the 2 files has");
    expect(error.message).toContain(folder);
  });
});
