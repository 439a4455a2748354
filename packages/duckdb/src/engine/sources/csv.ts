import type { FileCopy } from "@hygge/core";
import { type DataType, type Field, Type } from "apache-arrow";
import { quoteIdent, quoteString } from "../../database.js";

/**
 * CSV read by DuckDB as text only (every column VARCHAR, nothing sniffed), then each value
 * converted in SQL under a grammar no wider than hygge's csv reader's: a value outside it stops
 * the copy with an error (`error()`), and the batch loop then reads the file and converts it or
 * refuses it with its own message (file, line, column). So a value is never read differently.
 */
export function csvRefusal(copy: FileCopy): string | undefined {
  const o = copy.source.options;
  if (o.header === false) return "csv without a header line (hygge names its columns itself)";
  if (o.encoding !== undefined && o.encoding !== "utf8") return `csv encoding ${String(o.encoding)}`;
  if (o.escape !== undefined && o.escape !== o.quote) return "a csv escape character other than the quote";
  if (o.compression === "gzip" || copy.source.files.some((f) => /\.gz$/i.test(f.localPath)))
    return "gzip-compressed csv";
  if (o.compression === "auto" && copy.source.files.some((f) => !/\.(csv|tsv|txt)$/i.test(f.localPath)))
    return "csv files whose name does not say they are uncompressed (compression: auto reads gzip by its magic bytes)";
  const nulls = (o.null_values as string[] | undefined) ?? [""];
  if (copy.source.schema.fields.length === 1 && nulls.includes(""))
    return "a one-column csv whose empty field is null (DuckDB reads a blank line as a null row, hygge skips it)";
  for (const field of copy.source.schema.fields) {
    if (convert(field) === undefined)
      return `csv column "${field.name}" is ${String(field.type)}, which the engine does not parse`;
  }
  return undefined;
}

const lit = quoteString;

/** `error()` stops the copy: the batch loop takes the file and says what is wrong with the value. */
function refuse(column: string, what: string): string {
  return `error(${lit(`csv column "${column}": a value outside the engine's ${what} grammar`)})`;
}

/** A strict conversion of text `v` to the field's type, or undefined when the engine has none. */
function convert(field: Field): string | undefined {
  const v = quoteIdent(field.name);
  const name = field.name;
  const guarded = (pattern: string, cast: string, what: string) =>
    `CASE WHEN ${v} IS NULL THEN NULL WHEN regexp_full_match(${v}, ${lit(pattern)}) THEN ${cast} ELSE ${refuse(name, what)} END`;
  if (field.metadata.size > 0) return undefined;
  const t = field.type as DataType & {
    bitWidth?: number;
    isSigned?: boolean;
    precision?: number;
    scale?: number;
    unit?: number;
    timezone?: string | null;
  };
  switch (field.type.typeId) {
    case Type.Utf8:
      return v;
    case Type.Int: {
      if (!t.isSigned) return undefined;
      const duck = { 8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT" }[
        t.bitWidth as 8 | 16 | 32 | 64
      ];
      return guarded("[+-]?[0-9]+", `${v}::${duck}`, "integer");
    }
    case Type.Float: {
      // hygge parses a double, then rounds float32 columns to the nearest float32 (Math.fround).
      const p = (field.type as DataType & { precision: number }).precision;
      if (p === 0) return undefined;
      return guarded(
        "[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?",
        p === 1 ? `${v}::DOUBLE::FLOAT` : `${v}::DOUBLE`,
        "number",
      );
    }
    case Type.Bool:
      return `CASE WHEN ${v} IS NULL THEN NULL WHEN lower(${v}) IN ('true', 't', '1', 'yes', 'y') THEN true WHEN lower(${v}) IN ('false', 'f', '0', 'no', 'n') THEN false ELSE ${refuse(name, "boolean")} END`;
    case Type.Date:
      // Year 0000 is left to the batch loop (calendars disagree on it).
      return t.unit === 0
        ? guarded(
            "([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-[0-9]{2}-[0-9]{2}",
            `${v}::DATE`,
            "date",
          )
        : undefined;
    case Type.Timestamp:
      if (t.unit !== 2 || t.timezone) return undefined;
      return guarded(
        "[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?)?",
        `${v}::TIMESTAMP`,
        "timestamp",
      );
    case Type.Decimal: {
      const { precision = 0, scale = 0 } = t;
      if (precision > 38) return undefined;
      const whole = precision - scale;
      const pattern = `[+-]?[0-9]{1,${Math.max(whole, 1)}}${scale > 0 ? `(\\.[0-9]{1,${scale}})?` : ""}`;
      return guarded(pattern, `${v}::DECIMAL(${precision},${scale})`, "decimal");
    }
    default:
      return undefined;
  }
}

/** DuckDB's read_csv with hygge's csv options, every column text, then the strict conversions. */
export function csvSql(copy: FileCopy): string {
  const o = copy.source.options;
  const files = copy.source.files.map((f) => lit(f.localPath)).join(", ");
  const quote = String(o.quote ?? '"');
  const nulls = ((o.null_values as string[] | undefined) ?? [""]).map(lit).join(", ");
  const read = [
    `[${files}]`,
    "header = true",
    // The dialect is given; the sniffer only reads the header's names (every column is text).
    "auto_detect = true",
    "all_varchar = true",
    "skip = 0",
    `delim = ${lit(String(o.delimiter ?? ","))}`,
    `quote = ${lit(quote)}`,
    `escape = ${lit(quote)}`,
    `nullstr = [${nulls}]`,
    `allow_quoted_nulls = ${o.quoted_nulls === true}`,
    "strict_mode = true",
    "null_padding = false",
    "ignore_errors = false",
    "hive_partitioning = false",
    "filename = false",
    "union_by_name = false",
    "encoding = 'utf-8'",
  ];
  const columns = copy.source.schema.fields.map((f) => `${convert(f)} AS ${quoteIdent(f.name)}`);
  return `SELECT ${columns.join(", ")} FROM read_csv(${read.join(", ")})`;
}
