import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { Storage } from "../../contracts/storage.js";

/**
 * Uploads finished local files one at a time, in the background: `stage()` waits for the previous
 * upload, starts this one and returns, so the format writes the next file while this one uploads.
 * At most one finished file waits on local disk, and memory stays flat (the upload streams).
 */
export class Uploader {
  private pending?: Promise<void>;
  private error?: unknown;
  private readonly stop = new AbortController();

  constructor(private readonly storage: Storage) {}

  async stage(local: string, key: string, signal: AbortSignal): Promise<void> {
    await this.settle();
    const both = AbortSignal.any([signal, this.stop.signal]);
    this.pending = (async () => {
      await this.storage.write(key, createReadStream(local), both);
      await rm(local, { force: true });
    })().catch((error) => {
      this.error ??= error;
    });
  }

  /** Waits for the upload under way; throws the first upload failure. */
  async settle(): Promise<void> {
    await this.pending;
    if (this.error !== undefined) throw this.error;
  }

  /** Stops the upload under way and waits until it has let go (its object never appears). */
  async cancel(): Promise<void> {
    this.stop.abort();
    await this.pending;
  }
}
