import { z } from "@hygge/core";

export const COMPRESSIONS = ["snappy", "zstd", "gzip", "brotli", "lz4", "none"] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** Parquet's own `home:` options; `path` and `connection` are the file home's (core). */
export const readOptions = z.strictObject({
  /** Read only these columns, in this order. */
  columns: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe("Read only these columns, in this order, e.g. [id, amount]. Default: every column."),
  /** Rows per batch; larger row groups are split. */
  batch_size: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Most rows per Arrow batch (default 32768): larger row groups are split, smaller ones pass whole.",
    ),
});

/** Parquet's own `store:` options; `path`, `file_name`, `max_rows_per_file`… are the file store's (core). */
export const writeOptions = z.strictObject({
  compression: z
    .enum(COMPRESSIONS)
    .default("snappy")
    .describe("Page compression codec: snappy (default), zstd, gzip, brotli, lz4 or none."),
  /** Codec level for zstd, gzip and brotli (their own defaults when unset). */
  compression_level: z
    .number()
    .int()
    .optional()
    .describe("Codec level for zstd, gzip and brotli, e.g. 3 for zstd. Default: the codec's own."),
  /** Rows per row group. */
  row_group_size: z
    .number()
    .int()
    .positive()
    .default(122_880)
    .describe("Rows per row group (default 122880)."),
  /** Dictionary-encode columns where it pays (strings mostly). */
  dictionary: z
    .boolean()
    .default(true)
    .describe("Dictionary-encode columns where it pays, mostly strings (default true)."),
});

/** A `type: parquet` home block (without `type`). */
export type ParquetHomeOptions = z.input<typeof readOptions> & { path: string; connection?: string };
/** A `type: parquet` store block (without `type`). */
export type ParquetStoreOptions = z.input<typeof writeOptions> & {
  path: string;
  connection?: string;
  file_name?: string;
  max_rows_per_file?: number;
  replace_existing?: boolean;
};
export type ResolvedReadOptions = z.output<typeof readOptions>;
export type ResolvedWriteOptions = z.output<typeof writeOptions>;
