import type { FileCopy } from "@hygge/core";
import { quoteString } from "../database.js";
import { resumeFilter } from "./resume.js";
import { csvRefusal, csvSql } from "./sources/csv.js";
import { parquetSql } from "./sources/parquet.js";

/** The formats the engine reads: why it cannot read this copy, and its SELECT over the files. */
const SOURCES: Record<string, { refuse(copy: FileCopy): string | undefined; sql(copy: FileCopy): string }> = {
  parquet: { refuse: () => undefined, sql: parquetSql },
  csv: { refuse: csvRefusal, sql: csvSql },
};

export function sourceRefusal(copy: FileCopy): string | undefined {
  const source = SOURCES[copy.source.format];
  if (!source) return `the engine reads parquet and csv files, not ${copy.source.format}`;
  const filter = copy.resume && resumeFilter(copy);
  if (filter && "refuse" in filter) return filter.refuse;
  return source.refuse(copy);
}

/** The SELECT over the source files, in hygge's order, with hygge's columns. */
export function sourceSql(copy: FileCopy): string {
  return SOURCES[copy.source.format]!.sql(copy);
}

/** The rows to copy: the source's, or those after the committed watermark (resume.ts). */
export function rowsSql(copy: FileCopy): string {
  const filter = copy.resume && resumeFilter(copy);
  if (!filter) return sourceSql(copy);
  if ("refuse" in filter) throw new Error(filter.refuse);
  return `SELECT * FROM (${sourceSql(copy)}) WHERE ${filter.where}`;
}

/** DuckDB's codec names for the parquet store's `compression` (LZ4 is LZ4_RAW in both). */
const CODECS: Record<string, string> = {
  snappy: "snappy",
  zstd: "zstd",
  gzip: "gzip",
  brotli: "brotli",
  lz4: "lz4_raw",
  none: "uncompressed",
};

/** Why the store's write options have no exact DuckDB counterpart, or undefined. */
export function unmappedWriteOptions(options: Record<string, unknown>): string | undefined {
  const codec = String(options.compression ?? "snappy");
  if (!(codec in CODECS)) return `compression ${codec} has no DuckDB counterpart`;
  if (options.dictionary === false) return "dictionary: false (DuckDB chooses dictionary encoding itself)";
  if (options.compression_level !== undefined && codec !== "zstd")
    return `compression_level for ${codec} (DuckDB takes a level for zstd only)`;
  return undefined;
}

/** `COPY (source) TO file` with the parquet store's options. */
export function copySql(copy: FileCopy, localPath: string): string {
  const o = copy.target.options;
  const parts = [
    "FORMAT parquet",
    `COMPRESSION ${CODECS[String(o.compression ?? "snappy")]}`,
    ...(typeof o.row_group_size === "number" ? [`ROW_GROUP_SIZE ${o.row_group_size}`] : []),
    ...(typeof o.compression_level === "number" ? [`COMPRESSION_LEVEL ${o.compression_level}`] : []),
  ];
  return `COPY (${rowsSql(copy)}) TO ${quoteString(localPath)} (${parts.join(", ")})`;
}
