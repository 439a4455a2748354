import { randomBytes } from "node:crypto";
import type { BlockBlobClient } from "@azure/storage-blob";

export interface UploadOptions {
  blockSize: number;
  concurrency: number;
  signal?: AbortSignal;
}

export interface Uploaded {
  size: number;
  modified?: Date;
}

/**
 * Uploads `chunks` as one block blob that appears whole: what fits in one block is one Put Blob;
 * anything larger is staged as blocks (at most `concurrency` in flight, so memory stays below
 * `(concurrency + 1) × blockSize`) and becomes visible only when the block list is committed.
 * On a failure or abort nothing is committed: the staged blocks stay uncommitted, invisible to
 * readers and listings, and the service discards them (Azure after a week, or at the blob's next
 * commit). The commit itself is not abortable: once it is sent, the write resolves as written.
 */
export async function uploadBlocks(
  client: BlockBlobClient,
  chunks: AsyncIterable<Uint8Array>,
  options: UploadOptions,
): Promise<Uploaded> {
  const { blockSize, concurrency, signal } = options;
  // Block ids must all have one length per blob: a random upload id and a fixed-width index.
  const uploadId = randomBytes(12).toString("hex");
  const ids: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;

  const stage = async (block: Buffer) => {
    const id = Buffer.from(`${uploadId}-${String(ids.length).padStart(6, "0")}`).toString("base64");
    ids.push(id);
    const p = client
      .stageBlock(id, block, block.length, { abortSignal: signal })
      .then(() => undefined)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
  };
  const take = (n: number): Buffer => {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const block = all.subarray(0, n);
    const rest = all.subarray(n);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    return block;
  };

  try {
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      if (failure) throw failure;
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (buf.length === 0) continue;
      pending.push(buf);
      pendingBytes += buf.length;
      size += buf.length;
      // Strictly more than a block: the last block is staged only once the input has ended, so a
      // body of exactly one block is still one Put Blob.
      while (pendingBytes > blockSize) await stage(take(blockSize));
    }
    signal?.throwIfAborted();
    if (ids.length === 0) {
      const body = take(pendingBytes);
      const r = await client.upload(body, body.length, { abortSignal: signal });
      return { size, modified: r.lastModified };
    }
    if (pendingBytes > 0) await stage(take(pendingBytes));
    while (inFlight.size > 0) await Promise.race(inFlight);
    if (failure) throw failure;
    signal?.throwIfAborted();
    const r = await client.commitBlockList(ids);
    return { size, modified: r.lastModified };
  } catch (error) {
    await Promise.allSettled([...inFlight]);
    throw error;
  }
}
