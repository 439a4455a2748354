import type { BenchCase } from "../case.js";
import { duckdbCopy, generate, hyggeCopy } from "./parquet-shared.js";

/** Parquet → Parquet of a narrow table: 5M rows × (BIGINT, DOUBLE, INTEGER, VARCHAR 20k distinct, TIMESTAMP). */
export const benchCase: BenchCase = {
  name: "parquet-narrow",
  description:
    "parquet → parquet, 5M rows × 5 columns (id, amount, qty, name with 20k distinct values, created_at), snappy, 128k-row groups",
  prepare: (dir, scale) => generate(dir, narrowSelect(scale)),
  hygge: (dir) => hyggeCopy(dir),
  reference: { name: "duckdb COPY (threads=1)", run: (dir) => duckdbCopy(dir) },
};

/** The narrow table's 5M rows a scale, as a DuckDB SELECT. */
export function narrowSelect(scale: number): string {
  return `SELECT i::BIGINT AS id, ((i * 0.37) % 10000)::DOUBLE AS amount, (i % 1000)::INTEGER AS qty,
              'customer-' || (hash(i) % 20000) AS name,
              TIMESTAMP '2020-01-01' + to_microseconds((i * 7919) % 157680000000000) AS created_at
       FROM range(${5_000_000 * scale}) t(i)`;
}
