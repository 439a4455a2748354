import type { BenchCase } from "../case.js";
import { duckdbCopy, generate, hyggeCopy } from "./parquet-shared.js";

const KINDS = [
  (i: number) => `(hash(i + ${i}) % 1000000)::INTEGER`,
  (i: number) => `(hash(i * ${i + 3}) >> 1)::BIGINT`,
  (i: number) => `(hash(i + ${i}) % 100000) / 7.0::DOUBLE`,
  (i: number) => `'v' || (hash(i + ${i}) % 5000)`,
  (i: number) => `DATE '2000-01-01' + (hash(i + ${i}) % 9000)::INTEGER`,
  (i: number) => `TIMESTAMP '2020-01-01' + to_microseconds((hash(i + ${i}) % 100000000000)::BIGINT)`,
  (i: number) => `(hash(i + ${i}) % 2 = 0)`,
  (i: number) => `((hash(i + ${i}) % 100000000) / 100)::DECIMAL(18,2)`,
];

/** 40 mixed columns, 5% nulls in each. */
const columns = Array.from({ length: 40 }, (_, c) => {
  const expr = KINDS[c % KINDS.length]!(c);
  return `CASE WHEN hash(i * 31 + ${c}) % 20 = 0 THEN NULL ELSE ${expr} END AS c${String(c).padStart(2, "0")}`;
});

export const benchCase: BenchCase = {
  name: "parquet-wide",
  description:
    "parquet → parquet, 500k rows × 40 mixed columns (int, bigint, double, varchar, date, timestamp, bool, decimal), 5% nulls",
  prepare: (dir, scale) => generate(dir, wideSelect(scale)),
  hygge: (dir) => hyggeCopy(dir),
  reference: { name: "duckdb COPY (threads=1)", run: (dir) => duckdbCopy(dir) },
};

/** The wide table's 500k rows a scale, as a DuckDB SELECT. */
export function wideSelect(scale: number): string {
  return `SELECT ${columns.join(", ")} FROM range(${500_000 * scale}) t(i)`;
}
