import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isHyggeError, runFlow } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { CORPUS, type Expectation } from "./corpus-expectations.js";
import { describeTypes, makeHome, makeStore, q, sql, tempDir } from "./helpers.js";

/**
 * apache/parquet-testing's data/ folder, every file: DuckDB says whether it reads it; hygge copies
 * it parquet → parquet (the real runFlow, parquet home → parquet store) with the same column
 * names, DuckDB types and rows in the same order, or refuses it with a HyggeError naming the file
 * and the construct, as the expectations table says. A file that changes category fails.
 */
const ROOT = fileURLToPath(new URL("./fixtures/parquet-testing/", import.meta.url));

async function parquetFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await parquetFiles(full)));
    else if (/\.parquet(\.encrypted)?$/.test(e.name)) out.push(relative(ROOT, full));
  }
  return out.sort();
}

const files = await parquetFiles(ROOT);
const source = (file: string) => `read_parquet(${q(join(ROOT, file))})`;

/** DuckDB's view of a file: column types and rows (as JSON, in file order), or why it cannot read it. */
async function duckView(from: string, heavy = false) {
  try {
    const types = await describeTypes(`SELECT * FROM ${from}`);
    const rows = heavy
      ? await sql(`SELECT count(*)::BIGINT AS n FROM ${from}`)
      : await sql(`SELECT * FROM ${from}`);
    return { types, rows: JSON.stringify(rows) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Name and repetition of each top-level column (required vs optional is not in DuckDB's types).
 * A bare repeated field is a required list, which hygge writes as a required LIST group.
 */
async function topLevel(from: string): Promise<string[]> {
  const rows = await sql(
    `SELECT name, repetition_type, num_children FROM parquet_schema(${from.replace(/^read_parquet/, "")})`,
  );
  const out: string[] = [];
  let i = 1;
  const skip = (): void => {
    const n = Number(rows[i++]!.num_children ?? 0);
    for (let c = 0; c < n; c++) skip();
  };
  for (let c = 0; c < Number(rows[0]!.num_children); c++) {
    const row = rows[i]!;
    out.push(
      `${String(row.name)}:${row.repetition_type === "REPEATED" ? "REQUIRED" : String(row.repetition_type)}`,
    );
    skip();
  }
  return out;
}

async function copy(file: string, out: string) {
  try {
    await runFlow({
      flow: "corpus",
      home: makeHome("/", undefined, { path: join(ROOT, file) }),
      store: makeStore("/", undefined, { path: out }),
    });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("apache/parquet-testing corpus through a parquet → parquet flow", () => {
  it("the expectations table lists exactly the files of the folder", () => {
    expect(Object.keys(CORPUS).sort()).toEqual(files);
  });

  for (const file of files) {
    const expected: Expectation = CORPUS[file] ?? {};
    const verdict = expected.refused ? `refused (${expected.why})` : "copies exactly";
    it(`${file}: DuckDB ${expected.duckdb === "fails" ? "cannot read it" : "reads it"}, hygge ${verdict}`, async () => {
      const duck = await duckView(source(file), expected.heavy);
      expect(duck.error === undefined ? "reads" : "fails").toBe(expected.duckdb ?? "reads");

      const out = join(await tempDir("corpus"), "out");
      const error = await copy(file, out);
      if (expected.refused) {
        expect(isHyggeError(error)).toBe(true);
        const message = (error as Error).message;
        expect(message).toContain(join(ROOT, file));
        expect(message).toMatch(expected.refused);
        expect((error as { hint?: string }).hint).toBeTruthy();
        expect(await readdir(out).catch(() => [])).toEqual([]); // nothing published
        return;
      }
      expect(error).toBeUndefined();
      const copied = `read_parquet(${q(join(out, "*.parquet"))})`;
      if (duck.error === undefined) {
        const got = await duckView(copied);
        expect(got.error).toBeUndefined();
        expect(got.types).toEqual(duck.types);
        expect(got.rows).toBe(duck.rows);
        expect(await topLevel(copied)).toEqual(await topLevel(source(file)));
      } else {
        expect(expected.check).toBeDefined();
        expect(await sql(expected.check!.sql.replace("{out}", copied))).toEqual(expected.check!.rows);
      }
    }, 300_000);
  }
});
