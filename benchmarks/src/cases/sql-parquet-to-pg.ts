export { fromParquet as benchCase } from "./sql-pg-parquet.js";
