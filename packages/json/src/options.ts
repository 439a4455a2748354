import { z } from "@hygge/core";

/**
 * NDJSON's own `home:` options; the file home adds `path`, `connection`… Strict objects: a typo is
 * a config error with a "did you mean", not an ignored key.
 */
export const readOptions = z
  .object({
    /** Types of some or all keys, with hygge's type names (`int64`, `decimal(18, 2)`, `list<string>`…). */
    columns: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        'Types of some or all keys with hygge\'s type names, e.g. { id: int64, amount: "decimal(18, 2)", tags: "list<string>" }. Undeclared keys are inferred.',
      ),
    /** Lines read to infer the types of the keys not declared in `columns`. */
    infer_rows: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe("Lines read to infer the types of the keys not declared in columns (default 1000)."),
    /** Rows per Arrow batch. */
    batch_size: z.number().int().positive().default(10_000).describe("Rows per Arrow batch (default 10000)."),
    /**
     * A key that the schema does not have (not declared, not seen in the sample): `error` (the
     * default: nothing is dropped silently) or `ignore`.
     */
    unknown_keys: z
      .enum(["error", "ignore"])
      .default("error")
      .describe(
        "A key the schema does not have (not declared, not seen in the sample): error (default: nothing is dropped silently) or ignore.",
      ),
  })
  .strict();

export const writeOptions = z
  .object({
    compression: z
      .enum(["none", "gzip"])
      .default("none")
      .describe("none (default, .ndjson files) or gzip (.ndjson.gz files)."),
  })
  .strict();

export type NdjsonReadOptions = z.output<typeof readOptions>;
export type NdjsonWriteOptions = z.output<typeof writeOptions>;
