import { once } from "node:events";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { FileSource } from "@hygge/core";
import type { CsvReadOptions } from "./options.js";

/** The file's bytes, gunzipped when it is named `.gz` or starts with gzip's magic bytes. */
export async function bytes(
  source: FileSource,
  options: CsvReadOptions,
  signal?: AbortSignal,
): Promise<Readable[]> {
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
