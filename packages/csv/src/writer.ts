import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { type FormatContext, type FormatWriter, HyggeError, typeNameOf } from "@hygge/core";
import type { RecordBatch, Schema } from "apache-arrow";
import { stringify } from "csv-stringify";
import { PLUGIN } from "./columns.js";
import { type Cell, type CellFormatter, formatterFor, NULL_CELL } from "./format-cells.js";
import type { CsvWriteOptions } from "./options.js";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Writes one CSV file (RFC 4180, `\n` line ends) at `localPath`, with backpressure. */
export function createCsvWriter(
  localPath: string,
  schema: Schema,
  options: CsvWriteOptions,
  ctx: FormatContext,
): FormatWriter {
  const formatters: CellFormatter[] = schema.fields.map((field) => {
    const formatter = formatterFor(field, options);
    if (!formatter)
      throw new HyggeError(
        "STORE_WRITE_FAILED",
        `column ${field.name} (${typeNameOf(field)}) cannot be written to CSV`,
        {
          plugin: PLUGIN,
          subject: localPath,
          hint: "lists and structs can be written as JSON text with nested: json; otherwise cast the column or use ndjson or parquet",
        },
      );
    return formatter;
  });
  const stringifier = stringify({
    delimiter: options.delimiter,
    quote: options.quote,
    escape: options.quote,
    record_delimiter: "\n",
    // Empty strings and strings equal to the null marker are quoted, so they stay strings.
    quoted_match: new RegExp(`^(?:|${escapeRegExp(options.null_value)})$`),
    cast: { object: () => ({ value: options.null_value, quote: false }) },
  });
  const file = createWriteStream(localPath, { flags: "wx" });
  const streams: (Writable | typeof stringifier)[] =
    options.compression === "gzip" ? [stringifier, createGzip(), file] : [stringifier, file];
  const done = pipeline(streams as NodeJS.ReadWriteStream[], { signal: ctx.signal });
  done.catch(() => {}); // awaited by write, finish and abort
  let failed: unknown;
  done.catch((error) => {
    failed = error;
  });
  // Awaited only when the stringifier's buffer is full: one promise per buffer, not per row.
  const drained = () => Promise.race([once(stringifier, "drain"), done]);
  const put = async (record: Cell[]) => {
    if (failed) throw failed;
    if (!stringifier.write(record)) await drained();
  };
  let started = false;
  const start = async () => {
    started = true;
    if (options.header) await put(schema.fields.map((f) => f.name));
  };
  return {
    async write(batch: RecordBatch) {
      if (!started) await start();
      const columns = formatters.map((_, c) => batch.getChildAt(c)!);
      const datas = columns.map((v) => v.data[0]!);
      for (let i = 0; i < batch.numRows; i++) {
        const record: Cell[] = new Array(formatters.length);
        for (let c = 0; c < formatters.length; c++) {
          const vector = columns[c]!;
          if (!vector.isValid(i)) {
            record[c] = NULL_CELL;
            continue;
          }
          try {
            record[c] = formatters[c]!(vector, datas[c]!, i);
          } catch (error) {
            const field = schema.fields[c]!;
            throw new HyggeError(
              "STORE_WRITE_FAILED",
              `column ${field.name} (${typeNameOf(field)}): ${(error as Error).message}`,
              {
                plugin: PLUGIN,
                subject: localPath,
                cause: error,
                hint: "CSV cannot carry this value exactly",
              },
            );
          }
        }
        if (failed) throw failed;
        if (!stringifier.write(record)) await drained();
      }
    },
    async finish() {
      if (!started) await start();
      stringifier.end();
      await done;
      const handle = await open(localPath, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { bytes: (await stat(localPath)).size };
    },
    async abort() {
      stringifier.destroy();
      await done.catch(() => {});
      await rm(localPath, { force: true });
    },
  };
}
