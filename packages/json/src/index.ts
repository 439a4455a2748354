import { defineFormat, type HyggePlugin } from "@hygge/core";
import { type NdjsonReadOptions, type NdjsonWriteOptions, readOptions, writeOptions } from "./options.js";
import { readNdjson } from "./read.js";
import { inferSchema } from "./schema.js";
import { createNdjsonWriter } from "./writer.js";

export type { NdjsonReadOptions, NdjsonWriteOptions };

/** Newline-delimited JSON: one object per line, nested objects and arrays as structs and lists. */
export const ndjsonFormat = defineFormat({
  extensions: [".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz"],
  readOptions,
  writeOptions,
  extensionFor: (options) => (options.compression === "gzip" ? ".ndjson.gz" : ".ndjson"),
  schema: (source, options, ctx) => inferSchema(source, options, ctx),
  read: (source, schema, options, ctx) => readNdjson(source, schema, options, ctx),
  createWriter: (localPath, schema, options) => createNdjsonWriter(localPath, schema, options),
});

const plugin = {
  name: "@hygge/json",
  formats: { ndjson: ndjsonFormat },
} satisfies HyggePlugin;

export default plugin;
