import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import csv from "@hygge/csv";
import parquet from "@hygge/parquet";
import type { BenchCase, SideResult } from "../case.js";
import { duckdb, lit, parquetRows } from "../reference/duckdb.js";
import { runFileFlow } from "./file-flow.js";

/**
 * The CSV's columns, declared on both sides (no type sniffing on either): DuckDB's type for the
 * reference's `read_csv(columns=…)`, hygge's type name for the csv home's `columns:`.
 */
const COLUMNS = [
  ["id", "BIGINT", "int64"],
  ["amount", "DOUBLE", "float64"],
  ["qty", "INTEGER", "int32"],
  ["name", "VARCHAR", "string"],
  ["created_at", "TIMESTAMP", "timestamp[us]"],
] as const;

/**
 * 1M rows a scale: the CSV home reads about 50–90k rows/s today, so one hygge run stays well under
 * a minute (parquet-narrow's 5M rows would take one to two minutes).
 */
const ROWS = 1_000_000;
/** The row count is in the name, so a file generated for another scale is never reused. */
const input = (dir: string, scale: number) => join(dir, "in", `data-${ROWS * scale}.csv`);
const HYGGE_OUT = "out-hygge";
export const ENGINE_OUT = "out-engine";
export const duckdbOut = (threads: number) => `out-duckdb-${threads}.parquet`;
const columnsSql = () => `{${COLUMNS.map(([name, type]) => `${lit(name)}: ${lit(type)}`).join(", ")}}`;

/** CSV → Parquet of parquet-narrow's columns, with a header line. */
export const benchCase: BenchCase = {
  name: "csv-to-parquet",
  description:
    "CSV → Parquet, 1M rows × 5 columns (id, amount, qty, name with 20k distinct values, created_at), header line, declared types, snappy, 122,880-row groups",
  prepare: prepareCsv,
  hygge: (dir, scale) => hyggeCsv(dir, scale),
  reference: {
    name: "duckdb COPY read_csv → parquet (threads=1)",
    run: (dir, scale) => duckdbCsv(dir, scale, 1),
  },
  check: (dir) => checkCsv(dir, HYGGE_OUT, duckdbOut(1)),
};

export async function prepareCsv(dir: string, scale: number): Promise<void> {
  const file = input(dir, scale);
  if (existsSync(file)) return;
  rmSync(join(dir, "in"), { recursive: true, force: true });
  mkdirSync(join(dir, "in"), { recursive: true });
  const c = await duckdb();
  await c.run(
    `COPY (SELECT i::BIGINT AS id, ((i * 0.37) % 10000)::DOUBLE AS amount, (i % 1000)::INTEGER AS qty,
                    'customer-' || (hash(i) % 20000) AS name,
                    TIMESTAMP '2020-01-01' + to_microseconds((i * 7919) % 157680000000000) AS created_at
             FROM range(${ROWS * scale}) t(i))
       TO ${lit(`${file}.tmp`)} (FORMAT csv, HEADER true)`,
  );
  renameSync(`${file}.tmp`, file);
}

/** hygge's csv home → parquet store; with `threads`, on `engine: duckdb` into `out-engine`. */
export async function hyggeCsv(dir: string, scale: number, threads?: number): Promise<SideResult> {
  const name = threads ? ENGINE_OUT : HYGGE_OUT;
  rmSync(join(dir, name), { recursive: true, force: true });
  rmSync(join(dir, ".hygge"), { recursive: true, force: true });
  const { rows } = await runFileFlow({
    projectDir: dir,
    plugins: threads ? [csv, parquet, (await import("@hygge/duckdb")).default] : [csv, parquet],
    home: {
      type: "csv",
      options: {
        path: input(dir, scale),
        header: true,
        columns: Object.fromEntries(COLUMNS.map(([name, , hyggeType]) => [name, hyggeType])),
      },
    },
    store: { type: "parquet", options: { path: name, compression: "snappy", row_group_size: 122_880 } },
    ...(threads ? { engine: { type: "duckdb", options: { threads } } } : {}),
  });
  return { rows, bytes: statSync(input(dir, scale)).size };
}

/** DuckDB's own COPY read_csv → parquet, declared columns, on `threads` threads. */
export async function duckdbCsv(dir: string, scale: number, threads: number): Promise<SideResult> {
  const out = join(dir, duckdbOut(threads));
  rmSync(out, { force: true });
  const c = await duckdb();
  await c.run(`SET threads=${threads}`);
  await c.run(
    `COPY (FROM read_csv(${lit(input(dir, scale))}, header=true, auto_detect=false, columns=${columnsSql()}))
     TO ${lit(out)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`,
  );
  return { rows: await parquetRows(c, out), bytes: statSync(input(dir, scale)).size };
}

/** Both outputs, read back by DuckDB: the same column types, row count and order-free checksum. */
export async function checkCsv(dir: string, hyggeOut: string, duckdbOut: string): Promise<string> {
  const files = readdirSync(join(dir, hyggeOut)).filter((f) => f.endsWith(".parquet"));
  if (files.length !== 1) throw new Error(`hygge wrote ${files.length} Parquet files, expected 1`);
  const c = await duckdb();
  const summary = async (file: string) => {
    const types = await c.runAndReadAll(
      `SELECT column_name, column_type FROM (DESCRIBE FROM read_parquet(${lit(file)}))`,
    );
    const sums = await c.runAndReadAll(
      `SELECT count(*)::BIGINT, sum(hash(id, amount, qty, name, created_at))::VARCHAR FROM read_parquet(${lit(file)})`,
    );
    return JSON.stringify({ types: types.getRows(), sums: sums.getRows() }, (_k, v) =>
      typeof v === "bigint" ? String(v) : v,
    );
  };
  const hygge = await summary(join(dir, hyggeOut, files[0]!));
  const reference = await summary(join(dir, duckdbOut));
  if (hygge !== reference) throw new Error(`the outputs differ:\nhygge     ${hygge}\nreference ${reference}`);
  return `same column types, rows and checksum (sum of row hashes) in both outputs: ${hygge}`;
}
