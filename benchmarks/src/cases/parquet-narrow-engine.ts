import { engineCase } from "./engine-shared.js";
import { narrowSelect } from "./parquet-narrow.js";
import { duckdbCopy, generate, hyggeCopy } from "./parquet-shared.js";

/** parquet-narrow on `engine: duckdb`. */
export const benchCase = engineCase({
  name: "parquet-narrow-engine",
  description:
    "parquet-narrow (5M rows × 5 columns, snappy, 128k-row groups) on engine: duckdb; the Python hygge took 3.36 s for it (issue 12)",
  prepare: (dir, scale) => generate(dir, narrowSelect(scale)),
  engine: (dir, _scale, threads) => hyggeCopy(dir, threads),
  batchLoop: (dir) => hyggeCopy(dir),
  duckdb: (dir, _scale, threads) => duckdbCopy(dir, threads),
});
