import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FileSource } from "@hygge/core";
import { HyggeError } from "@hygge/core";
import { parse } from "csv-parse";
import { bytes } from "./input.js";
import type { CsvReadOptions } from "./options.js";
import type { Cursor } from "./tokenizer.js";

/** One CSV record: its cells (null where a null marker stood) and the line it starts on. */
export interface CsvRecord {
  cells: (string | null)[];
  line: number;
}

const PLUGIN = "@hygge/csv";

/**
 * The records of a CSV file through csv-parse: the fallback for a quote or escape character that
 * is not one byte in the file's encoding (the tokenizer compares single bytes). Streamed.
 */
export async function* records(
  source: FileSource,
  options: CsvReadOptions,
  signal?: AbortSignal,
): AsyncGenerator<CsvRecord[]> {
  const nulls = new Set(options.null_values);
  const { delimiter, quote, quoted_nulls: quotedNulls } = options;
  // csv-parse's `raw` text garbles multi-byte characters, so which fields are quoted (null markers
  // count only unquoted, and "" is not an empty line) comes from `cast`: a quoted field is boxed.
  const parser = parse({
    delimiter,
    quote,
    escape: options.escape ?? quote,
    encoding: options.encoding === "latin1" ? "latin1" : "utf8",
    bom: options.encoding === "utf8",
    raw: true,
    cast: (value, context) => (context.quoting ? { quoted: value } : value),
    // Field counts are checked by the caller (against the header or the entity's schema), and
    // empty lines skipped below, so that line numbers stay exact.
    relax_column_count: true,
  });
  const streams = await bytes(source, options, signal);
  const done = pipeline([...streams, parser] as unknown as NodeJS.ReadWriteStream[], { signal });
  done.catch(() => {}); // the iteration below reports the error
  let line = 1;
  try {
    for await (const parsed of drain<{ record: (string | { quoted: string })[]; raw: string }>(parser)) {
      const out: CsvRecord[] = [];
      for (const { record, raw } of parsed) {
        const start = line;
        line += lineBreaks(raw);
        if (record.length === 1 && record[0] === "") continue; // an empty line
        const cells = record.map((cell) =>
          typeof cell === "string"
            ? nulls.has(cell)
              ? null
              : cell
            : quotedNulls && nulls.has(cell.quoted)
              ? null
              : cell.quoted,
        );
        out.push({ cells, line: start });
      }
      if (out.length > 0) yield out;
    }
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

/**
 * The objects a readable stream holds, a buffer at a time: one await per buffer rather than per
 * record (the stream's own async iterator costs a promise per record).
 */
async function* drain<T>(stream: Readable): AsyncGenerator<T[]> {
  for (;;) {
    const chunk: T[] = [];
    for (let item = stream.read(); item !== null; item = stream.read()) chunk.push(item as T);
    if (chunk.length > 0) {
      yield chunk;
      continue;
    }
    if (stream.errored) throw stream.errored;
    if (stream.readableEnded || stream.destroyed) return;
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        stream.off("readable", settle).off("end", settle).off("close", settle).off("error", settle);
        if (error) reject(error);
        else resolve();
      };
      stream.on("readable", settle).on("end", settle).on("close", settle).on("error", settle);
    });
  }
}

/** Line breaks in a record's raw text (with CRLF, csv-parse leaves the final LF out of it). */
function lineBreaks(raw: string): number {
  let breaks = 0;
  for (let i = raw.indexOf("\n"); i >= 0; i = raw.indexOf("\n", i + 1)) breaks++;
  return raw.endsWith("\r") ? breaks + 1 : breaks;
}

/** csv-parse's records of one chunk as a cursor, the interface the tokenizer gives. */
export class RecordsCursor implements Cursor {
  count = 0;
  line = 1;
  vbuf: Uint8Array = Buffer.alloc(0);
  vstart = 0;
  vend = 0;
  private at = -1;
  private cells: (string | null)[] = [];
  constructor(private readonly records: CsvRecord[]) {}
  next(): boolean {
    const record = this.records[++this.at];
    if (record === undefined) return false;
    this.cells = record.cells;
    this.count = record.cells.length;
    this.line = record.line;
    return true;
  }
  isNull(c: number): boolean {
    return this.cells[c] === null;
  }
  text(c: number): string | null {
    return this.cells[c] ?? null;
  }
  value(c: number): void {
    this.vbuf = Buffer.from(this.cells[c] ?? "");
    this.vstart = 0;
    this.vend = this.vbuf.length;
  }
}
