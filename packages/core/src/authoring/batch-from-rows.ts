import { type Field, makeData, RecordBatch, type Schema, Struct } from "apache-arrow";
import { HyggeError } from "../errors.js";
import { buildData } from "./build-data.js";
import { CellRefused, type ToCell } from "./cell-refused.js";
import { cellConverter } from "./cells.js";
import { parseSchema, type SchemaLike } from "./type-syntax.js";

/** A row: an object keyed by column name, or an array in the schema's column order. */
export type InputRow = Readonly<Record<string, unknown>> | readonly unknown[];

export interface BatchFromRowsOptions {
  /** The number of the first row in error messages (default 0), for rows cut from a longer stream. */
  firstRow?: number;
}

/**
 * A record batch of `rows` with the declared `schema` (a Schema, `"id int64, amount
 * decimal(18, 2)"`, or `{ id: "int64" }`), built exactly: every value is carried as it is or
 * refused with a HyggeError naming the row, column and value, and saying what to pass instead.
 *
 * Accepted values, by column type (null and undefined are null):
 * - int8…int64, uint8…uint64: bigint, a safe integer number, or a string of digits;
 * - decimal(p, s): a string ("-12.34", at most s decimals), a bigint or a safe integer;
 * - float32, float64: number; bool: boolean; string: string; binary: Uint8Array;
 * - date: "YYYY-MM-DD", days since 1970-01-01, or a Date at midnight UTC;
 * - time[unit]: "HH:MM:SS[.fraction]" or a bigint of units since midnight;
 * - timestamp[unit, zone]: a bigint of units since the epoch, an ISO 8601 string (with an offset
 *   when the column has a zone, without when it has none), or a Date (zoned columns only);
 * - uuid: its text or 16 bytes; json: JSON text (a string) or any other value, serialized;
 * - list<t>: an array; struct: an object.
 */
export function batchFromRows(
  schema: SchemaLike,
  rows: readonly InputRow[],
  options: BatchFromRowsOptions = {},
): RecordBatch {
  const parsed = parseSchema(schema);
  return rowsToBatch(parsed, converters(parsed), rows, options.firstRow ?? 0);
}

/**
 * Batches of at most `batchSize` rows from a stream of rows (the last may be shorter; one empty
 * batch when there are no rows, so that an empty source still declares its columns): the natural
 * body of a home's `read()` over an API or a driver's cursor.
 */
export async function* batchesFromRows(
  schema: SchemaLike,
  rows: Iterable<InputRow> | AsyncIterable<InputRow>,
  batchSize: number,
): AsyncGenerator<RecordBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new HyggeError("CONFIG_INVALID", `batch size ${batchSize} is not a positive integer`, {
      hint: "set batch_size to a whole number of rows, such as 10000",
    });
  const parsed = parseSchema(schema);
  const convert = converters(parsed);
  let pending: InputRow[] = [];
  let first = 0;
  for await (const row of rows) {
    pending.push(row);
    if (pending.length === batchSize) {
      yield rowsToBatch(parsed, convert, pending, first);
      first += pending.length;
      pending = [];
    }
  }
  // No rows still gives one (empty) batch: the destination gets its columns (see Home).
  if (pending.length > 0 || first === 0) yield rowsToBatch(parsed, convert, pending, first);
}

function converters(schema: Schema): ToCell[] {
  return schema.fields.map(_converter);
}

/** The cell converter of `field`, or CONFIG_INVALID for a type it cannot build. */
export function _converter(field: Field): ToCell {
  try {
    return cellConverter(field);
  } catch (error) {
    throw new HyggeError("CONFIG_INVALID", `column ${field.name}: ${(error as Error).message}`, {
      hint: (error as CellRefused).hint,
      subject: field.name,
    });
  }
}

function rowsToBatch(
  schema: Schema,
  convert: ToCell[],
  rows: readonly InputRow[],
  first: number,
): RecordBatch {
  const fields = schema.fields;
  const index = new Map(fields.map((f, c) => [f.name, c]));
  const columns: unknown[][] = fields.map(() => new Array(rows.length));
  rows.forEach((row, r) => {
    if (Array.isArray(row)) {
      if (row.length !== fields.length)
        throw rowError(
          first + r,
          `has ${row.length} values for ${fields.length} columns`,
          "give one value per column, in the schema's order",
        );
      row.forEach((v, c) => {
        columns[c]![r] = _cell(convert[c]!, v, first + r, fields[c]!.name);
      });
      return;
    }
    if (row === null || typeof row !== "object")
      throw rowError(first + r, "is not an object", "pass each row as { column: value } or as an array");
    for (const key of Object.keys(row))
      if (!index.has(key))
        throw rowError(
          first + r,
          `has a key "${key}" that is not a declared column`,
          `declare ${key} in the schema, or leave it out of the rows (columns: ${[...index.keys()].join(", ")})`,
        );
    fields.forEach((f, c) => {
      const value = Object.hasOwn(row, f.name) ? (row as Record<string, unknown>)[f.name] : undefined;
      columns[c]![r] = _cell(convert[c]!, value, first + r, f.name);
    });
  });
  const children = fields.map((f, c) => buildData(f.type, columns[c]!));
  const data = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

export function _cell(convert: ToCell, value: unknown, row: number, column: string): unknown {
  try {
    return convert(value);
  } catch (error) {
    if (!(error instanceof CellRefused)) throw error;
    const at = `row ${row}, column ${column}${error.path}`;
    throw new HyggeError(
      "HOME_READ_FAILED",
      `${at}: ${showValue(error.value ? error.value.refused : value)} ${error.message}`,
      {
        hint: error.hint,
        subject: column,
        details: { row, column, path: error.path || undefined },
      },
    );
  }
}

function rowError(row: number, message: string, hint: string): HyggeError {
  return new HyggeError("HOME_READ_FAILED", `row ${row} ${message}`, { hint, details: { row } });
}

/** A short, unambiguous rendering of a refused value. */
export function showValue(value: unknown): string {
  const text =
    typeof value === "bigint"
      ? `${value}n`
      : typeof value === "string"
        ? JSON.stringify(value)
        : value instanceof Date
          ? `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`
          : value instanceof Uint8Array
            ? `${value.length} bytes`
            : typeof value === "object" && value !== null
              ? safeJson(value)
              : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value, (_k, x) => (typeof x === "bigint" ? `${x}n` : x)) ?? String(value);
  } catch {
    return String(value);
  }
}
