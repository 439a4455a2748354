import { engineCase } from "./engine-shared.js";
import { duckdbCopy, generate, hyggeCopy } from "./parquet-shared.js";
import { wideSelect } from "./parquet-wide.js";

/** parquet-wide on `engine: duckdb`. */
export const benchCase = engineCase({
  name: "parquet-wide-engine",
  description:
    "parquet-wide (500k rows × 40 mixed columns, 5% nulls) on engine: duckdb; the Python hygge took 2.02 s for it (issue 12)",
  prepare: (dir, scale) => generate(dir, wideSelect(scale)),
  engine: (dir, _scale, threads) => hyggeCopy(dir, threads),
  batchLoop: (dir) => hyggeCopy(dir),
  duckdb: (dir, _scale, threads) => duckdbCopy(dir, threads),
});
