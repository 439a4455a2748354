import type { DuckDBConnection } from "@duckdb/node-api";
import { defineEngine, type FileCopy, HyggeError } from "@hygge/core";
import { quoteString } from "../database.js";
import { withDuckDB } from "./duckdb.js";
import { expectedDuckType, inexactSchema } from "./exact.js";
import { type EngineOptions, engineOptions } from "./options.js";
import { copySql, sourceRefusal, sourceSql, unmappedWriteOptions } from "./sql.js";

/** Every half second while the copy runs: the rows DuckDB has read so far (its query progress). */
function progressTicker(connection: DuckDBConnection, report: (rows: number) => void) {
  let last = -1;
  const ticker = setInterval(() => {
    try {
      const rows = Number(connection.progress.rows_processed);
      if (rows > last && rows >= 0) report((last = rows));
    } catch {
      // Progress is best effort: a connection between queries reports nothing.
    }
  }, 500);
  ticker.unref();
  return ticker;
}

/** Why a Parquet column reads differently in DuckDB than in hygge (INT96 as microseconds…), or undefined. */
async function readsDifferently(copy: FileCopy, options: EngineOptions): Promise<string | undefined> {
  if (copy.source.format !== "parquet") return undefined;
  return withDuckDB(options, async (connection) => {
    const files = copy.source.files.map((f) => quoteString(f.localPath)).join(", ");
    const int96 = await connection.runAndReadAll(
      `SELECT file_name, name FROM parquet_schema([${files}]) WHERE type = 'INT96' LIMIT 1`,
    );
    const [found] = int96.getRowObjects();
    if (found)
      return `column "${String(found.name)}" of ${String(found.file_name)} is an INT96 timestamp, which DuckDB reads as microseconds without hygge's checks (sub-microsecond parts, dates beyond year 294247)`;
    const reader = await connection.runAndReadAll(`DESCRIBE ${sourceSql(copy)}`);
    const types = new Map(reader.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]));
    for (const field of copy.source.schema.fields) {
      const expected = expectedDuckType(field);
      const actual = types.get(field.name);
      if (expected && actual !== expected)
        return `column "${field.name}" reads as ${actual} in DuckDB, not ${expected} (${String(field.type)} in hygge)`;
    }
    return undefined;
  });
}

/**
 * `engine: duckdb`: Parquet or CSV files copied into one new Parquet file inside DuckDB, on every core,
 * for the columns whose types DuckDB carries exactly (exact.ts); core's file store publishes it.
 */
export const duckdbEngine = defineEngine({
  options: engineOptions,
  describe: (o) => `duckdb (${o.threads} threads, ${o.memory_limit})`,
  async refuse(copy, options) {
    if (copy.target.format !== "parquet") return `the engine writes parquet files, not ${copy.target.format}`;
    const globbed = copy.source.files.find((f) => /[*?[\]{}]/.test(f.localPath));
    if (globbed) return `${globbed.url} has a glob character in its path, which DuckDB would expand`;
    return (
      sourceRefusal(copy) ??
      unmappedWriteOptions(copy.target.options) ??
      inexactSchema(copy.source.schema) ??
      (await readsDifferently(copy, options))
    );
  },
  async copy(copy, localPath, options, ctx) {
    return withDuckDB(
      options,
      async (connection) => {
        const ticker = ctx.progress && progressTicker(connection, ctx.progress);
        try {
          const result = await connection.run(copySql(copy, localPath));
          return { rows: result.rowsChanged };
        } catch (error) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          throw new HyggeError(
            "STORE_WRITE_FAILED",
            `DuckDB could not copy ${copy.source.files.length} file(s) into ${localPath}: ${(error as Error).message}`,
            {
              subject: copy.source.files[0]?.url,
              cause: error,
              hint: "the destination is unchanged; set `engine: false` on this flow to copy with hygge's own reader and writer, which name the file and row at fault",
            },
          );
        } finally {
          if (ticker) clearInterval(ticker);
        }
      },
      ctx.signal,
    );
  },
});
