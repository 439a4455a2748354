import { once } from "node:events";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { FileSource } from "@hygge/core";
import { HyggeError } from "@hygge/core";
import { type CastingContext, parse } from "csv-parse";
import type { CsvReadOptions } from "./options.js";

/** One CSV record: its cells (null where a null marker stood) and the line it starts on. */
export interface CsvRecord {
  cells: (string | null)[];
  line: number;
}

const PLUGIN = "@hygge/csv";

/** The file's bytes, gunzipped when it is named `.gz` or starts with gzip's magic bytes. */
async function bytes(source: FileSource, options: CsvReadOptions, signal?: AbortSignal): Promise<Readable[]> {
  const raw = await source.stream(signal);
  if (options.compression === "none") return [raw];
  if (options.compression === "gzip" || /\.gz$/i.test(source.path)) return [raw, createGunzip()];
  // Peek at the first chunk without consuming it.
  let first: Buffer | null = raw.read();
  while (first === null && !raw.readableEnded && !raw.destroyed) {
    await Promise.race([once(raw, "readable"), once(raw, "end")]);
    first = raw.read();
  }
  if (first === null) return [raw];
  raw.unshift(first);
  return first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b ? [raw, createGunzip()] : [raw];
}

/** The records of a CSV file, streamed (the file is never held whole in memory). */
export async function* records(
  source: FileSource,
  options: CsvReadOptions,
  signal?: AbortSignal,
): AsyncGenerator<CsvRecord> {
  const nulls = new Set(options.null_values);
  const quotedNulls = options.quoted_nulls;
  let line = 1;
  const parser = parse({
    delimiter: options.delimiter,
    quote: options.quote,
    escape: options.escape ?? options.quote,
    encoding: options.encoding === "latin1" ? "latin1" : "utf8",
    bom: options.encoding === "utf8",
    skip_empty_lines: true,
    // Null markers count only unquoted (DuckDB writes NULL as an empty field and '' as ""),
    // unless quoted_nulls says otherwise.
    cast: (value: string, context: CastingContext) => {
      if (context.index === 0) line = context.lines;
      if (nulls.has(value) && (quotedNulls || !context.quoting)) return null as unknown as string;
      return value;
    },
  });
  const streams = await bytes(source, options, signal);
  const done = pipeline([...streams, parser] as unknown as NodeJS.ReadWriteStream[], { signal });
  done.catch(() => {}); // the iteration below reports the error
  try {
    for await (const cells of parser) yield { cells: cells as (string | null)[], line };
    await done;
  } catch (error) {
    if (signal?.aborted) throw error;
    const at = (error as { lines?: number }).lines;
    throw new HyggeError(
      "HOME_READ_FAILED",
      `${source.url}${at ? ` line ${at}` : ""}: ${(error as Error).message}`,
      {
        plugin: PLUGIN,
        subject: source.url,
        cause: error,
        hint: "check the file's delimiter, quote and escape options, and that every row has the header's number of fields",
      },
    );
  } finally {
    if (!parser.destroyed) parser.destroy();
    for (const s of streams) if (!s.destroyed) s.destroy();
  }
}
