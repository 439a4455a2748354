import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { FormatWriter } from "@hygge/core";
import type { RecordBatch, Schema } from "apache-arrow";
import { type Encode, encoder } from "./encode.js";
import type { NdjsonWriteOptions } from "./options.js";

/** Text handed to the stream at a time: big enough to amortise a write, small enough to stay flat. */
const CHUNK = 1 << 20;

/**
 * One NDJSON file at `localPath`: one object per line, keys in schema order, every line ending
 * with a newline. Writes wait for the stream to drain (backpressure); `finish` flushes and fsyncs
 * (the file stream's `flush` option) before it reports the size.
 */
export function createNdjsonWriter(
  localPath: string,
  schema: Schema,
  options: NdjsonWriteOptions,
): FormatWriter {
  const file = createWriteStream(localPath, { flush: true });
  const gzip = options.compression === "gzip" ? createGzip() : undefined;
  gzip?.pipe(file);
  const sink: Writable = gzip ?? file;
  const keys = schema.fields.map((f, c) => `${c === 0 ? "{" : ","}${JSON.stringify(f.name)}:`);
  // A stream error (disk full) surfaces at the next write or at finish, not as an unhandled event.
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
  };
  file.on("error", onError);
  gzip?.on("error", onError);

  const push = async (text: string) => {
    if (failure) throw failure;
    if (!sink.write(text)) await once(sink, "drain");
  };

  return {
    async write(batch: RecordBatch) {
      const columns: Encode[] = schema.fields.map((f, c) => encoder(f, batch.data.children[c]!));
      let text = "";
      for (let i = 0; i < batch.numRows; i++) {
        let line = columns.length === 0 ? "{" : "";
        for (let c = 0; c < columns.length; c++) line += keys[c] + columns[c]!(i);
        text += `${line}}\n`;
        if (text.length >= CHUNK) {
          await push(text);
          text = "";
        }
      }
      if (text) await push(text);
    },
    async finish() {
      if (failure) throw failure;
      sink.end();
      await finished(file);
      return { bytes: file.bytesWritten };
    },
    async abort() {
      gzip?.destroy();
      file.destroy();
      await finished(file).catch(() => {});
    },
  };
}
