import { open } from "node:fs/promises";

/**
 * Where a Parquet file's bytes come from: a ranged read, wherever the file lives. Core's
 * `FileSource` satisfies it; `localSource` opens a local file as one.
 */
export interface ByteSource {
  /** How the file is named in messages. */
  url: string;
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** The local file, when the bytes are on the local disk (core's FileSource sets it). */
  localPath?: string;
}

/** A local file as a byte source; close() releases its handle. */
export async function localSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    return {
      url: path,
      size,
      async read(position, length) {
        const buffer = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
          if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
          done += bytesRead;
        }
        return buffer;
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** A byte range of the file. */
export interface Range {
  start: number;
  end: number;
}

/**
 * Ranges merged where they overlap or lie less than `gap` bytes apart: one read instead of
 * several when reading the gap costs less than another request.
 */
export function coalesce(ranges: Range[], gap: number): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start - last.end <= gap) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}
