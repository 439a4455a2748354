export { toParquet as benchCase } from "./sql-pg-parquet.js";
