import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, link, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadRange, Storage, StorageObject } from "../contracts/storage.js";

/**
 * Writes and copies go through a temporary file beside the target, renamed over it when complete.
 * `list()` does not show these (as an object store never shows an upload in progress); a process
 * killed mid-write leaves one behind, which the next write of that target does not need.
 */
const TEMP_PREFIX = ".hygge-tmp-";
const tempBeside = (file: string) =>
  join(dirname(file), `${TEMP_PREFIX}${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** The local disk. Keys are absolute paths without their leading '/'. */
export class LocalStorage implements Storage {
  readonly type = "local";
  readonly capabilities = { local: true, atomicRename: true, conditionalCreate: "enforced" } as const;

  localPath(path: string): string {
    return `/${path}`;
  }

  url(path: string): string {
    return this.localPath(path);
  }

  async *list(prefix: string, signal?: AbortSignal): AsyncIterable<StorageObject> {
    // The folder that holds every key starting with `prefix`, walked depth first.
    const base = prefix.endsWith("/") ? prefix : prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const walk = async function* (dir: string): AsyncIterable<StorageObject> {
      signal?.throwIfAborted();
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(`/${dir}`, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return;
        throw error;
      }
      for (const entry of entries) {
        const key = `${dir}${entry.name}`;
        if (entry.isDirectory()) {
          if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* walk(`${key}/`);
        } else if (key.startsWith(prefix) && !entry.name.startsWith(TEMP_PREFIX)) {
          const s = await stat(`/${key}`).catch(() => undefined);
          if (s?.isFile()) yield { path: key, size: s.size, modified: s.mtime };
        }
      }
    };
    yield* walk(base);
  }

  async stat(path: string): Promise<StorageObject | undefined> {
    try {
      const s = await stat(this.localPath(path));
      return s.isFile() ? { path, size: s.size, modified: s.mtime } : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async read(path: string, range?: ReadRange): Promise<Uint8Array> {
    const handle = await open(this.localPath(path), "r");
    try {
      const length = range?.length ?? (await handle.stat()).size;
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(bytes, done, length - done, (range?.offset ?? 0) + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? bytes : bytes.subarray(0, done);
    } finally {
      await handle.close();
    }
  }

  async stream(path: string, signal?: AbortSignal): Promise<Readable> {
    const file = this.localPath(path);
    await stat(file); // fail here (ENOENT) rather than on the first read
    return createReadStream(file, { signal });
  }

  /** Written beside the target, fsynced, renamed over it: the file appears whole. */
  async write(path: string, body: Readable | Uint8Array, signal?: AbortSignal): Promise<StorageObject> {
    const file = this.localPath(path);
    await mkdir(dirname(file), { recursive: true });
    const tmp = tempBeside(file);
    try {
      if (body instanceof Uint8Array) {
        const handle = await open(tmp, "wx");
        try {
          await handle.writeFile(body, { signal });
          await handle.sync();
        } finally {
          await handle.close();
        }
      } else {
        await pipeline(body, createWriteStream(tmp, { flags: "wx" }), { signal });
        const handle = await open(tmp, "r+");
        await handle.sync().finally(() => handle.close());
      }
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return (await this.stat(path))!;
  }

  /** Written to a temporary file, then hard-linked to the target, which fails if it exists. */
  async createIfAbsent(path: string, body: Uint8Array): Promise<boolean> {
    const file = this.localPath(path);
    await mkdir(dirname(file), { recursive: true });
    const tmp = tempBeside(file);
    const handle = await open(tmp, "wx");
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(tmp, file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async delete(path: string): Promise<void> {
    await rm(this.localPath(path), { force: true });
  }

  /** Copied beside the target, fsynced, renamed over it: like a write, the copy appears whole. */
  async copy(from: string, to: string): Promise<void> {
    const file = this.localPath(to);
    await mkdir(dirname(file), { recursive: true });
    const tmp = tempBeside(file);
    try {
      await copyFile(this.localPath(from), tmp);
      const handle = await open(tmp, "r+");
      await handle.sync().finally(() => handle.close());
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    await mkdir(dirname(this.localPath(to)), { recursive: true });
    await rename(this.localPath(from), this.localPath(to));
  }
}

export const localStorage = new LocalStorage();
