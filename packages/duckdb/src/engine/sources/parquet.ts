import type { FileCopy } from "@hygge/core";
import { quoteIdent, quoteString } from "../../database.js";

/**
 * The source files as DuckDB reads them, exactly as hygge's reader lists them: in this order, no
 * hive partition columns guessed from folder names, no file-name column, no union by name (the
 * files share one schema), only the columns hygge reads, in its order.
 */
export function parquetSql(copy: FileCopy): string {
  const files = copy.source.files.map((f) => quoteString(f.localPath)).join(", ");
  const columns = copy.source.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
  return `SELECT ${columns} FROM read_parquet([${files}], binary_as_string = false, hive_partitioning = false, filename = false, union_by_name = false)`;
}
