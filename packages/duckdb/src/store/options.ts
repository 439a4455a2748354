import { z } from "@hygge/core";

/** `store:` block of `type: duckdb`: a table in a `.duckdb` database file. */
export const duckdbStoreOptions = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .refine((p) => p !== ":memory:", {
        message: "an in-memory database vanishes with the run: give a .duckdb file path",
      })
      .describe("The .duckdb database file, relative to the project folder; created when absent."),
    table: z
      .string()
      .min(1)
      .describe(
        'Target table, optionally schema-qualified ("raw.{entity}"); {entity} is replaced; the schema is created when absent.',
      ),
    replace_existing: z
      .boolean()
      .default(false)
      .describe(
        "Lets the first full_drop replace a table that exists but that hygge never published (no row for it in hygge_state). Without it that run stops before changing anything.",
      ),
    threads: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("DuckDB's threads setting for this database file (shared by every entity of the run)."),
    memory_limit: z
      .string()
      .min(1)
      .optional()
      .describe('DuckDB\'s memory_limit for this database file, e.g. "4GB"; larger loads spill to disk.'),
  })
  .describe("A table in a DuckDB database file.");

export type DuckDBStoreOptions = z.output<typeof duckdbStoreOptions>;
