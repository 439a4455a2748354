import { checkCsv, duckdbCsv, duckdbOut, ENGINE_OUT, hyggeCsv, prepareCsv } from "./csv-to-parquet.js";
import { ENGINE_THREADS, engineCase } from "./engine-shared.js";

/** csv-to-parquet on `engine: duckdb`. */
export const benchCase = engineCase({
  name: "csv-to-parquet-engine",
  description:
    "csv-to-parquet (1M rows × 5 declared columns, header line, snappy) on engine: duckdb, each value converted under hygge's csv grammar",
  prepare: prepareCsv,
  engine: (dir, scale, threads) => hyggeCsv(dir, scale, threads),
  batchLoop: (dir, scale) => hyggeCsv(dir, scale),
  duckdb: (dir, scale, threads) => duckdbCsv(dir, scale, threads),
  check: (dir) => checkCsv(dir, ENGINE_OUT, duckdbOut(ENGINE_THREADS)),
});
