import type { Storage } from "@hygge/core";
import plugin from "../src/index.js";
import type { AzureOptions } from "../src/options.js";
import type { AzureStorage } from "../src/storage.js";

export const silent = { debug() {}, info() {}, warn() {} };

/** A storage made the way hygge makes it: the plugin's schema, then create(). */
export async function azureStorage(options: AzureOptions): Promise<AzureStorage & Storage> {
  const definition = plugin.storages.azure;
  const storage = await definition.create(definition.options.parse(options), {
    projectDir: process.cwd(),
    logger: silent,
  });
  return storage as AzureStorage;
}

/** Bytes whose every position is distinct enough that a misplaced block shows. */
export function pattern(size: number, seed = 7): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed + (i >>> 16)) & 0xff;
  return b;
}

/** `bytes` as a stream of uneven chunks (13 KiB to 1.3 MiB), as a format writer produces them. */
export async function* uneven(bytes: Buffer): AsyncGenerator<Buffer> {
  let at = 0;
  let n = 0;
  while (at < bytes.length) {
    const size = [13 * 1024, 1_300_000, 65_537, 777_777][n++ % 4]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}
