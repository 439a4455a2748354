import { type FileSource, type FormatContext, HyggeError } from "@hygge/core";
import { makeData, RecordBatch, type Schema, Struct } from "apache-arrow";
import { type ColumnBuilder, columnBuilder } from "./columns.js";
import { CellError, type Convert, converter } from "./convert.js";
import { readLineChunks } from "./lines.js";
import type { NdjsonReadOptions } from "./options.js";
import { parseChunk } from "./parse-chunk.js";
import { type JsonObject, parseLine } from "./parse-line.js";
import { notJson } from "./schema.js";

const PLUGIN = "@hygge/json";

/**
 * The file's rows as batches of `schema`, streamed line by line. A missing key is null; a key the
 * schema lacks is an error (or skipped with `unknown_keys: ignore`); a value that does not fit its
 * column is an error naming the file, the line and the key path.
 */
export async function* readNdjson(
  source: FileSource,
  schema: Schema,
  options: NdjsonReadOptions,
  ctx: FormatContext,
): AsyncIterable<RecordBatch> {
  const fields = schema.fields;
  const names = fields.map((f) => f.name);
  const known = new Set(names);
  const converters: Convert[] = fields.map((f) => converter(f, options.unknown_keys));
  const strict = options.unknown_keys === "error";
  const inherited = names.map((n) => n in Object.prototype);
  let columns: ColumnBuilder[] = fields.map(columnBuilder);
  let rows = 0;
  const flush = () => {
    const children = columns.map((c) => c.finish());
    const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
    columns = fields.map(columnBuilder);
    rows = 0;
    return new RecordBatch(schema, data);
  };
  for await (const chunk of readLineChunks(source, ctx.signal)) {
    // One parse for the chunk; line by line when it cannot vouch (that also locates an error).
    const values = parseChunk(chunk.map((l) => l.text));
    for (let k = 0; k < chunk.length; k++) {
      const line = chunk[k]!;
      let row: JsonObject;
      if (values) row = values[k] as JsonObject;
      else
        try {
          row = parseLine(line.text) as JsonObject;
        } catch (error) {
          throw notJson(source, line.number, error);
        }
      if (row === null || typeof row !== "object" || Array.isArray(row))
        throw new HyggeError("HOME_READ_FAILED", `${source.url} line ${line.number}: not a JSON object`, {
          plugin: PLUGIN,
          subject: source.url,
          hint: "NDJSON holds one JSON object per line",
        });
      let c = 0;
      let present = 0;
      try {
        for (; c < converters.length; c++) {
          // One lookup: JSON has no undefined, so undefined is a missing key, except for the
          // names an object inherits (`toString`, `__proto__`), which must be its own.
          const value = inherited[c] && !Object.hasOwn(row, names[c]!) ? undefined : row[names[c]!];
          if (value !== undefined) {
            present++;
            columns[c]!.push(value === null ? null : converters[c]!(value));
          } else columns[c]!.push(null);
        }
      } catch (error) {
        if (!(error instanceof CellError)) throw error;
        throw cellError(source, line.number, `${names[c]}${error.path}`, error);
      }
      if (strict && keyCount(row) > present) {
        const key = Object.keys(row).find((k) => !known.has(k));
        // Only an enumerable property added to Object.prototype by someone else gets here.
        if (key !== undefined)
          throw cellError(
            source,
            line.number,
            key,
            new CellError(
              "is not in the schema (not declared, not seen in the sampled lines)",
              "declare it in `columns:`, raise `infer_rows`, or set `unknown_keys: ignore` to skip such keys",
            ),
          );
      }
      if (++rows === options.batch_size) yield flush();
    }
  }
  if (rows > 0) yield flush();
}

/** Keys of a parsed row, without the array `Object.keys` would allocate for every row. */
function keyCount(row: JsonObject): number {
  let n = 0;
  for (const _ in row) n++;
  return n;
}

function cellError(source: FileSource, line: number, path: string, error: CellError): HyggeError {
  return new HyggeError("HOME_READ_FAILED", `${source.url} line ${line}, key ${path}: ${error.message}`, {
    plugin: PLUGIN,
    subject: source.url,
    hint: error.hint,
  });
}
