import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { FileSource } from "@hygge/core";

/** One line of a file, without its newline, and its 1-based number (for error messages). */
export interface Line {
  text: string;
  number: number;
}

/**
 * The file's non-blank lines, streamed: only the current chunk and one partial line are held.
 * gzip is recognised by the `.gz` name or by its magic bytes (a compressed file renamed `.ndjson`).
 * A last line without a newline is a line; a UTF-8 BOM at the start is dropped; CRLF is accepted.
 */
export async function* readLines(source: FileSource, signal?: AbortSignal): AsyncIterable<Line> {
  for await (const lines of readLineChunks(source, signal)) yield* lines;
}

/** The same lines, a chunk's worth at a time (one await per chunk, not per line: much faster). */
export async function* readLineChunks(source: FileSource, signal?: AbortSignal): AsyncIterable<Line[]> {
  let number = 0;
  let rest: Buffer | undefined;
  let first = true;
  for await (const chunk of await decompressed(source, signal)) {
    let buf = chunk as Buffer;
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    if (rest) {
      buf = Buffer.concat([rest, buf]);
      rest = undefined;
    }
    let start = 0;
    const lines: Line[] = [];
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      number++;
      const text = lineText(buf, start, nl);
      start = nl + 1;
      if (text !== undefined) lines.push({ text, number });
    }
    if (lines.length > 0) yield lines;
    // Copy the tail: a subarray would pin the whole chunk until the next newline.
    if (start < buf.length) rest = Buffer.from(buf.subarray(start));
  }
  if (rest) {
    const text = lineText(rest, 0, rest.length);
    if (text !== undefined) yield [{ text, number: number + 1 }];
  }
}

/** The text between `start` and `end` without a trailing CR; undefined for a blank line. */
function lineText(buf: Buffer, start: number, end: number): string | undefined {
  if (end > start && buf[end - 1] === 13) end--;
  let i = start;
  while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
  if (i === end) return undefined;
  return buf.toString("utf8", start, end);
}

async function decompressed(source: FileSource, signal?: AbortSignal): Promise<AsyncIterable<Buffer>> {
  const raw = await source.stream(signal);
  const it = raw[Symbol.asyncIterator]();
  const head = await it.next();
  if (head.done) return (async function* () {})();
  const firstChunk = head.value as Buffer;
  const rest = async function* () {
    yield firstChunk;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
  };
  const gzip =
    source.path.toLowerCase().endsWith(".gz") || (firstChunk[0] === 0x1f && firstChunk[1] === 0x8b);
  if (!gzip) return rest();
  // pipeline() carries an error of either side (a truncated gzip, a failed read) to the consumer.
  return pipeline(Readable.from(rest()), createGunzip(), () => {});
}
