import type { BenchCase } from "../case.js";

/** Each file in this folder exports `benchCase`; add new cases to this map. */
export const loaders: Record<string, () => Promise<{ benchCase: BenchCase }>> = {
  "core-memory": () => import("./core-memory.js"),
  "sql-pg-read": () => import("./sql-pg-read.js"),
  "sql-pg-read-incremental": () => import("./sql-pg-read-incremental.js"),
  "sql-pg-write": () => import("./sql-pg-write.js"),
  "sql-pg-to-parquet": () => import("./sql-pg-to-parquet.js"),
  "sql-parquet-to-pg": () => import("./sql-parquet-to-pg.js"),
  "parquet-narrow": () => import("./parquet-narrow.js"),
  "parquet-wide": () => import("./parquet-wide.js"),
  "parquet-evolved": () => import("./parquet-evolved.js"),
  "parquet-narrow-engine": () => import("./parquet-narrow-engine.js"),
  "parquet-wide-engine": () => import("./parquet-wide-engine.js"),
  "csv-to-parquet-engine": () => import("./csv-to-parquet-engine.js"),
  "csv-to-parquet": () => import("./csv-to-parquet.js"),
  "parquet-to-s3": () => import("./parquet-to-s3.js"),
};
