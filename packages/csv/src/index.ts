import { defineFormat, type HyggePlugin } from "@hygge/core";
import { type CsvReadOptions, type CsvWriteOptions, readOptions, writeOptions } from "./options.js";
import { readCsv } from "./read.js";
import { csvSchema } from "./schema.js";
import { createCsvWriter } from "./writer.js";

/** The csv format: core's file engine makes it the `type: csv` home and store on every storage. */
export const csvFormat = defineFormat({
  extensions: [".csv", ".csv.gz"],
  readOptions,
  writeOptions,
  extensionFor: (options) => (options.compression === "gzip" ? ".csv.gz" : ".csv"),
  schema: csvSchema,
  read: readCsv,
  createWriter: createCsvWriter,
});

export type { CsvReadOptions, CsvWriteOptions };
export { readOptions, writeOptions };

export default { name: "@hygge/csv", formats: { csv: csvFormat } } satisfies HyggePlugin;
