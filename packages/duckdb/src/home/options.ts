import { z } from "@hygge/core";

/** Rows per batch when `batch_size` is not given: 32 of DuckDB's 2048-row chunks. */
export const DEFAULT_BATCH_SIZE = 65_536;

/** `home:` block of `type: duckdb`: any DuckDB query, streamed as Arrow batches. */
export const duckdbHomeOptions = z
  .strictObject({
    query: z
      .string()
      .min(1)
      .describe(
        "The DuckDB query to read, e.g. select * from read_csv('inbox/{entity}/*.csv'). {entity} is replaced: inside '…' or \"…\" by the entity's name, elsewhere by the name as a quoted identifier. Relative file paths resolve against the project folder.",
      ),
    path: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A .duckdb database file the query reads (its tables and views), relative to the project folder; it must exist. Default: an empty in-memory database.",
      ),
    batch_size: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .default(DEFAULT_BATCH_SIZE)
      .describe("Rows per Arrow batch (default 65536)."),
    threads: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "DuckDB's threads setting. With path, it applies when the run first opens that file (the run shares one instance per file).",
      ),
    memory_limit: z
      .string()
      .regex(/^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i, 'a size such as "512MB" or "2GB"')
      .optional()
      .describe(
        'DuckDB\'s memory_limit, e.g. "4GB". With path, it applies when the run first opens that file.',
      ),
  })
  .describe("Rows of a DuckDB query: files (read_csv, read_parquet, globs), a .duckdb database, or both.");

export type DuckDBHomeOptions = z.output<typeof duckdbHomeOptions>;
