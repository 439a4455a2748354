import { availableParallelism } from "node:os";
import { z } from "@hygge/core";

/** `engine: { type: duckdb, threads, memory_limit }`: DuckDB's own bounds for a copy. */
export const engineOptions = z.strictObject({
  threads: z
    .number()
    .int()
    .min(1)
    .max(256)
    .default(() => availableParallelism())
    .describe("Threads DuckDB uses for one copy (default: every core of the machine)."),
  memory_limit: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i, 'a size such as "512MB" or "2GB"')
    .default("1GB")
    .describe(
      "DuckDB's memory limit for one copy (default 1GB); beyond it DuckDB spills to a temporary folder, which hygge removes afterwards.",
    ),
});

export type EngineOptions = z.output<typeof engineOptions>;
