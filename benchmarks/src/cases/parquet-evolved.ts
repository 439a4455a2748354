import type { BenchCase } from "../case.js";
import { duckdbCopy, generateParts, hyggeCopy } from "./parquet-shared.js";

const rows = 1_250_000;
const part = (n: number, scale: number, columns: string) =>
  `SELECT ${columns} FROM range(${n * rows * scale}, ${(n + 1) * rows * scale}) t(i)`;
const id = (type: string) => `i::${type} AS id`;
const amount = (type: string) => `((i * 37) % 1000000 / 100)::${type} AS amount`;
const qty = "(i % 1000)::INTEGER AS qty";
const name = "'customer-' || (hash(i) % 20000) AS name";
const created = (type: string) =>
  `(TIMESTAMP '2020-01-01' + to_microseconds((i * 7919) % 157680000000000))::${type} AS created_at`;

/**
 * A folder whose schema evolved over four files (issue 11): the home reads it by column name,
 * widening older files' columns (int32 → int64, decimal(9, 2) → decimal(12, 2), timestamp[ms] →
 * timestamp[us]) and null-filling missing ones, as DuckDB's union_by_name does.
 */
export const benchCase: BenchCase = {
  name: "parquet-evolved",
  description:
    "parquet folder → parquet, 5M rows in 4 files whose schema evolved (int32→int64 id, decimal(9,2)→(12,2), timestamp ms→us, a column added, one dropped, reordered), snappy, 128k-row groups; reference: DuckDB read_parquet(union_by_name = true)",
  prepare: (dir, scale) =>
    generateParts(dir, [
      part(0, scale, [id("INTEGER"), amount("DECIMAL(9,2)"), qty, name, created("TIMESTAMP_MS")].join(", ")),
      part(1, scale, [id("BIGINT"), amount("DECIMAL(12,2)"), qty, name, created("TIMESTAMP")].join(", ")),
      part(
        2,
        scale,
        [id("BIGINT"), amount("DECIMAL(12,2)"), qty, name, created("TIMESTAMP"), "'n' || i AS note"].join(
          ", ",
        ),
      ),
      part(
        3,
        scale,
        [name, id("BIGINT"), created("TIMESTAMP"), amount("DECIMAL(12,2)"), "'n' || i AS note"].join(", "),
      ),
    ]),
  hygge: (dir) => hyggeCopy(dir),
  reference: { name: "duckdb COPY union_by_name (threads=1)", run: (dir) => duckdbCopy(dir) },
};
