import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "@jest/globals";
import { copyFlow, readWithHygge, tableText, tempProject } from "./engine-helpers.js";

/**
 * CSV → Parquet on `engine: duckdb`: DuckDB reads every column as text and converts it under a
 * grammar no wider than hygge's csv reader's. For every file below, the engine run and the batch
 * loop alone end the same way: the same error, or the same rows read back by hygge's own reader.
 */
const MATRIX = `
SELECT * FROM (VALUES
  (1, 'plain', -9223372036854775808, 1234567.8901::DECIMAL(18,4), 9999999999999999999999999999.9999999999::DECIMAL(38,10),
   DATE '0001-01-01', TIMESTAMP '1970-01-01 00:00:00', true, 1.5::DOUBLE, 3.14::FLOAT),
  (2, 'comma, "quote"
newline', 9223372036854775807, -0.0001::DECIMAL(18,4), (-0.0000000001)::DECIMAL(38,10),
   DATE '9999-12-31', TIMESTAMP '2024-02-29 23:59:59.999999', false, -0.0::DOUBLE, 1e-45::FLOAT),
  (3, '', 0, 0::DECIMAL(18,4), 0::DECIMAL(38,10), DATE '1970-01-01', TIMESTAMP '1969-12-31 23:59:59.000001', NULL, 1e300, 0.1::FLOAT),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 'ünïcødé ✓ 日本語 🚀;|\t', 9007199254740993, 12.5::DECIMAL(18,4), 1::DECIMAL(38,10),
   DATE '2024-02-29', TIMESTAMP '2262-04-11 23:47:16.854775', true, 5e-324, 16777217::FLOAT),
  (6, ' spaced ', -1, -99999999999999.9999::DECIMAL(18,4), -12345678901234567890.1234567890::DECIMAL(38,10),
   DATE '1969-12-31', TIMESTAMP '1677-09-22 00:00:00', false, 0.1 + 0.2, -2.5::FLOAT)
) t(id, s, i64, dec, dec38, d, ts, b, f64, f32)`;

const DECLARED = {
  id: "int64",
  s: "string",
  i64: "int64",
  dec: "decimal(18, 4)",
  dec38: "decimal(38, 10)",
  d: "date",
  ts: "timestamp[us]",
  b: "bool",
  f64: "float64",
  f32: "float32",
};

async function outcome(run: Promise<unknown>, dir: string): Promise<string | undefined> {
  try {
    await run;
    return undefined;
  } catch (error) {
    return String((error as Error).message).replaceAll(dir, "<dir>");
  }
}

/** Copies `in/t` with and without the engine; both must end alike. Returns the engine's report. */
async function bothWays(dir: string, home: Record<string, unknown>) {
  let report: Awaited<ReturnType<typeof copyFlow>> | undefined;
  const engine = await outcome(
    copyFlow(dir, { home: { type: "csv", path: "in/{entity}", ...home } }).then((r) => (report = r)),
    dir,
  );
  const alone = await outcome(
    copyFlow(dir, {
      home: { type: "csv", path: "in/{entity}", ...home },
      store: { type: "parquet", path: "alone" },
      engine: false,
    }),
    dir,
  );
  expect(engine).toBe(alone);
  if (engine === undefined) {
    const a = tableText(await readWithHygge(join(dir, "out/t")));
    const b = tableText(await readWithHygge(join(dir, "alone/t")));
    expect(a).toEqual(b);
  }
  return { report, error: engine };
}

async function csvProject(text: string, name = "data.csv"): Promise<string> {
  const dir = await tempProject();
  await mkdir(join(dir, "in/t"), { recursive: true });
  await writeFile(join(dir, "in/t", name), text);
  return dir;
}

describe("engine: duckdb on csv → parquet", () => {
  it("copies DuckDB's own CSV of the matrix inside DuckDB, declared and inferred, as the batch loop does", async () => {
    const dir = await tempProject();
    await mkdir(join(dir, "in/t"), { recursive: true });
    const c = await (await DuckDBInstance.create(":memory:")).connect();
    await c.run(`COPY (${MATRIX}) TO '${join(dir, "in/t/m.csv")}' (FORMAT csv, HEADER)`);
    const declared = await bothWays(dir, { columns: DECLARED });
    expect(declared.report?.engine).toEqual({ type: "duckdb", ran: true });
    expect(declared.report?.rows).toBe(6);
    const inferred = await bothWays(dir, {});
    expect(inferred.error).toBeUndefined();
    expect(inferred.report?.engine?.type).toBe("duckdb");
  });

  const EDGES: [string, string, Record<string, unknown>][] = [
    ["CRLF line ends and a BOM", "\uFEFFa,b\r\n1,x\r\n2,y\r\n", { columns: { a: "int64", b: "string" } }],
    ["bare CR line ends", "a,b\r1,x\r2,y\r", { columns: { a: "int64", b: "string" } }],
    ["no trailing newline", "a,b\n1,x\n2,y", { columns: { a: "int64", b: "string" } }],
    ["a blank line inside", "a,b\n1,x\n\n2,y\n", { columns: { a: "int64", b: "string" } }],
    ["spaces around an integer", "a,b\n 1 ,x\n", { columns: { a: "int64", b: "string" } }],
    ["a plus sign and leading zeros", "a,b\n+007,x\n", { columns: { a: "int64", b: "string" } }],
    ["an exponent in an integer column", "a,b\n1e3,x\n", { columns: { a: "int64", b: "string" } }],
    ["an int32 overflow", "a,b\n2147483648,x\n", { columns: { a: "int32", b: "string" } }],
    ["too many decimals", "a,b\n1.005,x\n", { columns: { a: "decimal(18, 2)", b: "string" } }],
    ["decimal without integer digits", "a,b\n.5,x\n", { columns: { a: "decimal(18, 2)", b: "string" } }],
    ["NaN and infinity", "a,b\nnan,x\n-inf,y\nInfinity,z\n", { columns: { a: "float64", b: "string" } }],
    ["yes/no booleans", "a,b\nyes,x\nN,y\nT,z\n0,w\n", { columns: { a: "bool", b: "string" } }],
    [
      "a timestamp with T and no seconds",
      "a,b\n2024-01-01T10:30,x\n",
      { columns: { a: "timestamp[us]", b: "string" } },
    ],
    [
      "a timestamp with an offset in a column without zone",
      "a,b\n2024-01-01 10:30:00+02:00,x\n",
      { columns: { a: "timestamp[us]", b: "string" } },
    ],
    [
      "a timestamp with nanoseconds",
      "a,b\n2024-01-01 10:30:00.123456789,x\n",
      { columns: { a: "timestamp[us]", b: "string" } },
    ],
    ["hour 24", "a,b\n2024-01-01 24:00:00,x\n", { columns: { a: "timestamp[us]", b: "string" } }],
    ["February 30", "a,b\n2024-02-30,x\n", { columns: { a: "date", b: "string" } }],
    ["a five-digit year", "a,b\n10000-01-01,x\n", { columns: { a: "date", b: "string" } }],
    ["year zero", "a,b\n0000-01-01,x\n", { columns: { a: "date", b: "string" } }],
    ["a quoted empty string and an empty field", 'a,b\n1,""\n2,\n', { columns: { a: "int64", b: "string" } }],
    [
      "quoted null markers",
      'a,b\n1,"NULL"\n2,NULL\n',
      { columns: { a: "int64", b: "string" }, null_values: ["NULL"] },
    ],
    ["a row with a missing field", "a,b\n1,x\n2\n", { columns: { a: "int64", b: "string" } }],
    ["a row with an extra field", "a,b\n1,x\n2,y,z\n", { columns: { a: "int64", b: "string" } }],
    ["an unterminated quote", 'a,b\n1,"x\n', { columns: { a: "int64", b: "string" } }],
    ["a semicolon delimiter", "a;b\n1;x,y\n", { columns: { a: "int64", b: "string" }, delimiter: ";" }],
    ["inferred types", "a,b,c,d\n1,2.5,2024-01-01,true\n-3,1e10,1969-12-31,false\n", {}],
    ["header only", "a,b\n", { columns: { a: "int64", b: "string" } }],
    ["one column and a trailing blank line", "a\nx\ny\n\n", {}],
    ["one column and a blank CRLF line inside", "a\r\nx\r\n\r\ny\r\n", {}],
    ["two columns and a trailing blank line", "a,b\n1,x\n2,y\n\n", { columns: { a: "int64", b: "string" } }],
    ["a glob character in the file name", "a,b\n1,x\n", { columns: { a: "int64", b: "string" } }],
  ];
  /** The cases DuckDB copies itself; the others it leaves to the batch loop (or both refuse). */
  const ON_ENGINE = new Set([
    "CRLF line ends and a BOM",
    "bare CR line ends",
    "no trailing newline",
    "a blank line inside",
    "a plus sign and leading zeros",
    "yes/no booleans",
    "a quoted empty string and an empty field",
    "quoted null markers",
    "a semicolon delimiter",
    "inferred types",
    "header only",
    "two columns and a trailing blank line",
  ]);
  it.each(EDGES)("%s: the engine and the batch loop end alike", async (name, text, home) => {
    const dir = await csvProject(text, name.includes("glob") ? "p[1].csv" : "data.csv");
    if (name.includes("glob")) await writeFile(join(dir, "in/t/p1.csv"), "a,b\n2,y\n");
    const { report, error } = await bothWays(dir, home);
    if (error === undefined) expect(report?.engine?.ran).toBe(ON_ENGINE.has(name));
    else expect(ON_ENGINE.has(name)).toBe(false);
  });

  it("reads invalid UTF-8 as the batch loop does", async () => {
    const dir = await tempProject();
    await mkdir(join(dir, "in/t"), { recursive: true });
    await writeFile(
      join(dir, "in/t/x.csv"),
      Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0xff, 0xfe, 0x0a]),
    );
    await bothWays(dir, { columns: { a: "int64", b: "string" } });
  });
});
