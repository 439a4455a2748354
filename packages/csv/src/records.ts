import type { Readable } from "node:stream";
import { type FileSource, HyggeError, isHyggeError } from "@hygge/core";
import { PLUGIN } from "./columns.js";
import { RecordsCursor, records } from "./csv-parse-records.js";
import { bytes } from "./input.js";
import type { CsvReadOptions } from "./options.js";
import { type Cursor, singleByte, Tokenizer } from "./tokenizer.js";

/**
 * The records of a CSV file, streamed chunk by chunk (the file is never held whole in memory): each
 * yield is a cursor to advance with next() until it returns false, over the bytes read so far.
 * The tokenizer reads the bytes; csv-parse is kept for a quote or escape character that is not a
 * single byte in the file's encoding.
 */
export async function* cursors(
  source: FileSource,
  options: CsvReadOptions,
  signal?: AbortSignal,
): AsyncGenerator<Cursor> {
  const escapeChar = options.escape ?? options.quote;
  if (
    singleByte(options.quote, options.encoding) === undefined ||
    singleByte(escapeChar, options.encoding) === undefined
  ) {
    for await (const chunk of records(source, options, signal)) yield new RecordsCursor(chunk);
    return;
  }
  const tokenizer = new Tokenizer({ ...options, escape: escapeChar }, source.url);
  const streams = await bytes(source, options, signal);
  let input: Readable = streams[0]!;
  if (streams.length > 1) {
    const gunzip = streams[1]!;
    input.on("error", (error) => gunzip.destroy(error));
    input = input.pipe(gunzip as unknown as NodeJS.WritableStream) as unknown as Readable;
  }
  try {
    for await (const chunk of input) {
      tokenizer.feed(chunk as Buffer);
      yield tokenizer;
    }
    tokenizer.end();
    yield tokenizer;
  } catch (error) {
    // Only the stream's errors arrive here (a corrupt gzip…): the cursor's throw in the caller.
    if (signal?.aborted || isHyggeError(error)) throw error;
    throw new HyggeError("HOME_READ_FAILED", `${source.url}: ${(error as Error).message}`, {
      plugin: PLUGIN,
      subject: source.url,
      cause: error,
      hint: "check that the file is readable, and a valid gzip file when it is compressed",
    });
  } finally {
    for (const s of streams) if (!s.destroyed) s.destroy();
  }
}
