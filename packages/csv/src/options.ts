import { fieldFromTypeName, TYPE_NAME_HINT, z } from "@hygge/core";
import { Type } from "apache-arrow";

/** A column's declared type, checked when the config is loaded (not when the first file is read). */
const typeName = z.string().superRefine((name, ctx) => {
  try {
    const field = fieldFromTypeName("x", name);
    if (field.type.typeId === Type.List)
      ctx.addIssue({ code: "custom", message: `CSV cannot hold lists (${name}): declare it json or string` });
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `${(error as Error).message}; ${TYPE_NAME_HINT}` });
  }
});

const binaryEncoding = z.enum(["base64", "hex"]).default("base64");
const BINARY = "How binary columns are encoded in the file: base64 (default) or hex (lowercase, no prefix).";

/** The csv format's own `home:` options (the file home adds path, connection…). */
export const readOptions = z.strictObject({
  /** The first line names the columns. Without it, columns are column1, column2… or `columns:`. */
  header: z
    .boolean()
    .default(true)
    .describe(
      "The first line names the columns (default true). false: columns are column1, column2…, or the names given in columns.",
    ),
  delimiter: z
    .string()
    .min(1)
    .default(",")
    .describe('Field delimiter, one or more characters (default ",").'),
  quote: z.string().length(1).default('"').describe('Quote character (default ").'),
  /** The character that escapes a quote inside a quoted field (RFC 4180: the quote itself). */
  escape: z
    .string()
    .length(1)
    .optional()
    .describe(
      "The character that escapes a quote inside a quoted field. Default: the quote itself (RFC 4180 doubles it); \\ for backslash-escaped files.",
    ),
  encoding: z
    .enum(["utf8", "latin1"])
    .default("utf8")
    .describe("Text encoding: utf8 (default; a BOM is skipped) or latin1."),
  /**
   * Unquoted fields equal to one of these are null. The default matches DuckDB: it writes NULL as
   * an empty field and an empty string as `""`.
   */
  null_values: z
    .array(z.string())
    .default([""])
    .describe(
      'Unquoted fields equal to one of these are null, e.g. ["", "NULL", "\\N"]. Default [""]: an empty field is null, "" is an empty string (as DuckDB writes them).',
    ),
  /** Quoted fields equal to a null marker are null too (DuckDB's `allow_quoted_nulls`). */
  quoted_nulls: z
    .boolean()
    .default(false)
    .describe(
      "Quoted fields equal to a null marker are null too, like DuckDB's allow_quoted_nulls (default false).",
    ),
  /**
   * Column types (`{ id: int64, at: "timestamp[us, UTC]" }`, in file order when there is no
   * header), or just the names of the columns of a file without header. Others are inferred.
   */
  columns: z
    .union([z.record(z.string(), typeName), z.array(z.string())])
    .optional()
    .describe(
      'Column types with hygge\'s type names, { id: int64, at: "timestamp[us, UTC]", amount: "decimal(18, 2)" } (in file order without header), or just the names of a file without header. Undeclared columns are inferred.',
    ),
  /** Rows sampled to infer the types of undeclared columns. */
  infer_rows: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe("Rows sampled to infer the types of undeclared columns (default 10000)."),
  /** Rows per Arrow record batch. */
  batch_size: z.number().int().positive().default(10_000).describe("Rows per Arrow batch (default 10000)."),
  /** `auto`: gunzip files named `.gz` or starting with gzip's magic bytes. */
  compression: z
    .enum(["auto", "none", "gzip"])
    .default("auto")
    .describe(
      "auto (default): gunzip files named .gz or starting with gzip's magic bytes; none or gzip force it.",
    ),
  /** How `binary` columns are written in the file. */
  binary: binaryEncoding.describe(BINARY),
});

/** The csv format's own `store:` options (the file store adds path, connection, max_rows_per_file…). */
export const writeOptions = z.strictObject({
  header: z
    .boolean()
    .default(true)
    .describe("Write the column names first, also in a file without rows (default true)."),
  delimiter: z.string().min(1).default(",").describe('Field delimiter (default ",").'),
  quote: z
    .string()
    .length(1)
    .default('"')
    .describe('Quote character (default "); a quote inside a field is doubled (RFC 4180).'),
  /** What a null is written as (unquoted); a string equal to it is quoted. */
  null_value: z
    .string()
    .default("")
    .describe(
      'What a null is written as, unquoted (default: an empty field); a string equal to it is quoted, as is "".',
    ),
  compression: z
    .enum(["none", "gzip"])
    .default("none")
    .describe("none (default, .csv files) or gzip (.csv.gz files)."),
  binary: binaryEncoding.describe(BINARY),
  /** Lists and structs: refused, or written as their JSON text. */
  nested: z
    .enum(["error", "json"])
    .default("error")
    .describe("Lists, structs and maps: error (default) refuses them; json writes their JSON text."),
});

export type CsvReadOptions = z.output<typeof readOptions>;
export type CsvWriteOptions = z.output<typeof writeOptions>;
