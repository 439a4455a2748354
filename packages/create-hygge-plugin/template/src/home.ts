// The my-plugin home: a JSON-lines file (one object per line) read into exact Arrow batches
// with the columns declared in the options.
import { createReadStream } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import {
  batchesFromRows,
  defineHome,
  type Home,
  HyggeError,
  type InputRow,
  parseSchema,
  z,
} from "@hygge/core";
import { reviveValue } from "./values.js";

export const homeOptions = z.strictObject({
  path: z.string().min(1).describe("The JSON-lines file to read, relative to the project folder."),
  columns: z
    .union([z.string(), z.record(z.string(), z.string())])
    .describe('The columns and their types: "id int64 not null, name string" or { id: int64 }.'),
  batch_size: z.number().int().positive().default(10_000).describe("Rows per batch (default 10000)."),
});
export type HomeOptions = z.output<typeof homeOptions>;

/** Reads `file` line by line; every line is one row (blank lines are skipped). */
export function jsonLinesHome(file: string, options: Omit<HomeOptions, "path">): Home {
  const schema = parseSchema(options.columns);
  let stream: ReturnType<typeof createReadStream> | undefined;
  async function* rows(signal: AbortSignal): AsyncGenerator<InputRow> {
    stream = createReadStream(file, { encoding: "utf8" });
    let line = 0;
    for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
      line++;
      if (signal.aborted) throw signal.reason;
      if (text.trim() === "") continue;
      let row: unknown;
      try {
        row = JSON.parse(text, reviveValue);
      } catch (error) {
        throw new HyggeError("HOME_READ_FAILED", `${file}:${line} is not JSON`, {
          hint: "each line must be one JSON object",
          subject: file,
          cause: error,
        });
      }
      if (row === null || typeof row !== "object" || Array.isArray(row))
        throw new HyggeError("HOME_READ_FAILED", `${file}:${line} is not a JSON object`, {
          hint: "each line must be one JSON object",
          subject: file,
        });
      yield row as InputRow;
    }
  }
  return {
    read: (ctx) => batchesFromRows(schema, rows(ctx.signal), options.batch_size),
    schema: async () => schema,
    async close() {
      stream?.destroy();
    },
  };
}

export const home = defineHome({
  options: homeOptions,
  create: (o, ctx) => jsonLinesHome(path.resolve(ctx.projectDir, o.path), o),
  describe: (o) => `my-plugin ${o.path}`,
});
