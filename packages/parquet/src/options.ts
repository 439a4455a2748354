import { z } from "@hygge/core";

export const COMPRESSIONS = ["snappy", "zstd", "gzip", "brotli", "lz4", "none"] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const homeOptions = z.strictObject({
  /** A file, a folder (every *.parquet below it) or a glob. `{entity}` is replaced by the entity name. */
  path: z.string().min(1),
  /** Read only these columns, in this order. */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /** Rows per batch; larger row groups are split. */
  batch_size: z.number().int().positive().optional(),
});

export const storeOptions = z.strictObject({
  /** Destination folder; an entity's files go to `<path>/<entity>/` (or `<path>` in a single-entity flow). */
  path: z.string().min(1),
  compression: z.enum(COMPRESSIONS).default("snappy"),
  /** Codec level for zstd, gzip and brotli (their own defaults when unset). */
  compression_level: z.number().int().optional(),
  /** Rows per row group. */
  row_group_size: z.number().int().positive().default(122_880),
  /** Start a new file after this many rows. */
  max_rows_per_file: z.number().int().positive().optional(),
  /** File name pattern; `{seq}` is required, `{entity}` and `{run}` are optional. */
  file_name: z
    .string()
    .default("part-{seq}.parquet")
    .refine((v) => v.includes("{seq}"), "file_name must contain {seq} so that file names never collide")
    .refine(
      (v) => !/[/\\]/.test(v) && !v.startsWith("."),
      "file_name must be a plain file name (no folders, no leading dot)",
    ),
  /** Dictionary-encode columns where it pays (strings mostly). */
  dictionary: z.boolean().default(true),
  /**
   * Let a full_drop replace files in the entity folder that hygge did not publish there (files that
   * were there before hygge's first run, or were put next to its files later). Off: such a
   * full_drop stops before touching anything.
   */
  replace_existing: z.boolean().default(false),
});

export type ParquetHomeOptions = z.input<typeof homeOptions>;
export type ParquetStoreOptions = z.input<typeof storeOptions>;
export type ResolvedHomeOptions = z.output<typeof homeOptions>;
export type ResolvedStoreOptions = z.output<typeof storeOptions>;
