import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Data } from "apache-arrow";
import type { WireData } from "../read/transfer.js";
import { compactPart } from "./compact.js";
import type { EncodeReply, EncodeRequest } from "./encode-worker.js";
import { UnwritableError } from "./schema.js";

const WORKER_URL = new URL("./encode-worker.js", import.meta.url);

/**
 * Whether row groups can be encoded in a worker thread: from the build only (the worker runs our
 * compiled JavaScript), unless HYGGE_PARQUET_ENCODE_WORKER=0 or HYGGE_PARQUET_WORKERS=0 keep
 * encoding in the calling thread.
 */
export function encodeWorkerAvailable(): boolean {
  return (
    process.env.HYGGE_PARQUET_ENCODE_WORKER !== "0" &&
    process.env.HYGGE_PARQUET_WORKERS !== "0" &&
    existsSync(fileURLToPath(WORKER_URL))
  );
}

/**
 * A Parquet file written by a worker thread (write/encode-worker.ts): the calling thread copies
 * each row group's columns into buffers of their own and transfers them. At most `inFlight` row
 * groups are in the worker, so memory stays flat however large
 * the input: `writeRowGroup` waits until the worker is below that bound before it copies. A failure in
 * the worker (a value Parquet cannot hold, a full disk) rejects the next call with its message.
 * The worker lives in this process: a kill takes it down too, and the file it leaves is the
 * engine's staging file, never a published one.
 */
export class ThreadedFileWriter {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (r: EncodeReply) => void; reject: (e: unknown) => void }[] = [];
  private readonly pending: Promise<EncodeReply>[] = [];
  private failed?: Error;
  private closed = false;

  constructor(
    readonly path: string,
    open: Omit<Extract<EncodeRequest, { type: "open" }>, "type" | "path">,
    private readonly inFlight = 1,
  ) {
    // Only our compiled JavaScript runs there: none of the parent's loader or --eval flags. A small
    // young generation keeps the thread's memory down (its large buffers live outside the heap).
    this.worker = new Worker(WORKER_URL, { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.worker.on("message", (reply: EncodeReply) => {
      this.waiting.shift()?.resolve(reply);
      if (this.waiting.length === 0) this.worker.unref();
    });
    this.worker.on("error", (error) => this.stopped(error));
    this.worker.on("exit", (code) => this.stopped(new Error(`the Parquet encoder thread exited (${code})`)));
    this.pending.push(this.send({ type: "open", path, ...open }));
  }

  private stopped(error: Error): void {
    this.failed ??= error;
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  private send(request: EncodeRequest, transfer: ArrayBuffer[] = []): Promise<EncodeReply> {
    if (this.failed) return Promise.reject(this.failed);
    const reply = new Promise<EncodeReply>((resolve, reject) => this.waiting.push({ resolve, reject }));
    reply.catch(() => undefined); // handled where awaited
    // Referenced while it owes a reply, so the process waits for it; idle, it holds nothing open.
    this.worker.ref();
    this.worker.postMessage(request, transfer);
    return reply;
  }

  /** `columns[c]` holds the Data parts of column c for this row group. */
  async writeRowGroup(columns: Data[][], rows: number): Promise<void> {
    // Wait first, copy after: the copy of this row group does not sit beside the ones in flight.
    while (this.pending.length >= this.inFlight) await settle(this.pending.shift()!);
    const transfer = new Set<ArrayBuffer>();
    const wire: WireData[][] = columns.map((parts) => parts.map((p) => compactPart(p, transfer)));
    this.pending.push(this.send({ type: "group", rows, columns: wire }, [...transfer]));
  }

  /** Waits for every row group, then the footer, fsync and close. Returns the file size. */
  async finish(): Promise<number> {
    try {
      while (this.pending.length > 0) await settle(this.pending.shift()!);
      const { bytes } = (await settle(this.send({ type: "finish" }))) as { bytes?: number };
      return bytes ?? 0;
    } finally {
      await this.terminate();
    }
  }

  /** Closes the file (the engine removes it) and stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      this.pending.length = 0;
      if (!this.failed) await this.send({ type: "abort" }).catch(() => undefined);
    } finally {
      await this.terminate();
    }
  }

  private async terminate(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}

/** A worker reply as a value, or its failure as the error the in-thread writer would have thrown. */
async function settle(reply: Promise<EncodeReply>): Promise<EncodeReply> {
  const r = await reply;
  if (r.ok) return r;
  if (r.unwritable) throw new UnwritableError(r.message);
  throw Object.assign(new Error(r.message), r.code ? { code: r.code } : {});
}
