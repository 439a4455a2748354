import { defineFormat, type HyggePlugin } from "@hygge/core";
import { declaredTypes } from "./columns.js";
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
  // Declared with a type: in some file of the entity (older files of an evolved folder may lack it).
  declaredColumns: (options) => Object.keys(declaredTypes(options)),
  read: readCsv,
  createWriter: createCsvWriter,
});

export type { CsvReadOptions, CsvWriteOptions };
export { readOptions, writeOptions };

export default { name: "@hygge/csv", formats: { csv: csvFormat } } satisfies HyggePlugin;
