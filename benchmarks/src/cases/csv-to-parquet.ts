import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import csv from "@hygge/csv";
import parquet from "@hygge/parquet";
import type { BenchCase } from "../case.js";
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
const DUCKDB_OUT = "out-duckdb.parquet";
const columnsSql = () => `{${COLUMNS.map(([name, type]) => `${lit(name)}: ${lit(type)}`).join(", ")}}`;

/** CSV → Parquet of parquet-narrow's columns, with a header line. */
export const benchCase: BenchCase = {
  name: "csv-to-parquet",
  description:
    "CSV → Parquet, 1M rows × 5 columns (id, amount, qty, name with 20k distinct values, created_at), header line, declared types, snappy, 122,880-row groups",
  async prepare(dir, scale) {
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
  },
  async hygge(dir, scale) {
    const out = join(dir, HYGGE_OUT);
    rmSync(out, { recursive: true, force: true });
    rmSync(join(dir, ".hygge"), { recursive: true, force: true });
    const { rows } = await runFileFlow({
      projectDir: dir,
      plugins: [csv, parquet],
      home: {
        type: "csv",
        options: {
          path: input(dir, scale),
          header: true,
          columns: Object.fromEntries(COLUMNS.map(([name, , hyggeType]) => [name, hyggeType])),
        },
      },
      store: {
        type: "parquet",
        options: { path: HYGGE_OUT, compression: "snappy", row_group_size: 122_880 },
      },
    });
    return { rows, bytes: statSync(input(dir, scale)).size };
  },
  reference: {
    name: "duckdb COPY read_csv → parquet (threads=1)",
    async run(dir, scale) {
      const out = join(dir, DUCKDB_OUT);
      rmSync(out, { force: true });
      const c = await duckdb();
      await c.run(
        `COPY (FROM read_csv(${lit(input(dir, scale))}, header=true, auto_detect=false, columns=${columnsSql()}))
         TO ${lit(out)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`,
      );
      return { rows: await parquetRows(c, out), bytes: statSync(input(dir, scale)).size };
    },
  },
  /** Both outputs, read back by DuckDB: the same column types, row count and order-free checksum. */
  async check(dir) {
    const files = readdirSync(join(dir, HYGGE_OUT)).filter((f) => f.endsWith(".parquet"));
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
    const hygge = await summary(join(dir, HYGGE_OUT, files[0]!));
    const reference = await summary(join(dir, DUCKDB_OUT));
    if (hygge !== reference)
      throw new Error(`the outputs differ:\nhygge     ${hygge}\nreference ${reference}`);
    return `same column types, rows and checksum (sum of row hashes) in both outputs: ${hygge}`;
  },
};
