import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type Data, makeData, RecordBatch, type Schema, Struct } from "apache-arrow";
import type { DecodeRequest } from "./decode-worker.js";
import { RefusedError } from "./errors.js";
import { ParquetFile, type RowGroupBytes } from "./parquet-file.js";
import { fromWire, type WireData } from "./transfer.js";
import type { Shape } from "./types.js";

/**
 * A row group to decode: of `file` when given (open on any storage; its owner closes it), else of
 * the local file at `path` (opened and closed by the decoder). `path` names the file in errors.
 */
export interface RowGroupTask {
  path: string;
  rowGroup: number;
  file?: ParquetFile;
}

type Reply =
  | { id: number; rows: number; children: WireData[] }
  | { id: number; error: string; hint?: string };

/**
 * Decodes row groups, in a worker thread when the compiled worker is available (decode runs on
 * another core while the main thread encodes), in this thread otherwise. The main thread fetches
 * each row group's column chunks from the file's byte source and transfers them to the worker,
 * so the worker works for files on any storage. Set HYGGE_PARQUET_WORKERS=0 to decode in-thread.
 */
export class RowGroupDecoder {
  private worker?: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: unknown) => void }>();
  /** The local file of the last path task, and the file whose footer the worker holds. */
  private local?: { path: string; file: ParquetFile };
  private workerFile?: ParquetFile;
  private readonly shapes = new WeakMap<ParquetFile, Shape[]>();
  /** Fetches run one at a time, in order (a worker decode overlaps the next fetch). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly schema: Schema,
    private readonly columns: string[] | undefined,
    /** False for small inputs, where starting a thread costs more than it saves. */
    useWorker = true,
  ) {
    const url = new URL("./decode-worker.js", import.meta.url);
    if (useWorker && process.env.HYGGE_PARQUET_WORKERS !== "0" && existsSync(fileURLToPath(url))) {
      // The worker runs our compiled JavaScript only: no loader or --eval flags of the parent.
      this.worker = new Worker(url, { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      this.worker.unref();
      this.worker.on("message", (reply: Reply) => {
        const w = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        w?.resolve(reply);
      });
      this.worker.on("error", (error) => this.workerFailed(error));
      this.worker.on("exit", (code) => this.workerFailed(new Error(`decoder worker exited (${code})`)));
    }
  }

  /** A broken worker (not a broken file) falls back to decoding in this thread. */
  private workerFailed(error: unknown): void {
    if (!this.worker) return;
    void this.worker.terminate().catch(() => undefined);
    this.worker = undefined;
    for (const w of this.waiting.values()) w.reject(new WorkerGone(error));
    this.waiting.clear();
  }

  get threaded(): boolean {
    return this.worker !== undefined;
  }

  private shapesOf(file: ParquetFile): Shape[] {
    let s = this.shapes.get(file);
    if (!s) {
      s = file.shapes(this.columns);
      this.shapes.set(file, s);
    }
    return s;
  }

  private async fileOf(task: RowGroupTask): Promise<ParquetFile> {
    if (task.file) return task.file;
    if (this.local?.path !== task.path) {
      const previous = this.local;
      this.local = undefined;
      await previous?.file.close();
      this.local = { path: task.path, file: await ParquetFile.open(task.path) };
    }
    return this.local.file;
  }

  async decode(task: RowGroupTask): Promise<RecordBatch> {
    const localPath = task.file ? task.file.localPath : task.path;
    if (this.worker && localPath && process.env.HYGGE_PARQUET_LOCAL_WORKER === "1") {
      // Local fast path, opt-in until measured on a quiet machine: the worker reads a local file
      // itself, so its reads never wait behind the main thread's synchronous encoding.
      return this.reply(task, () =>
        this.send(
          {
            id: this.nextId++,
            url: localPath,
            size: 0,
            rowGroup: task.rowGroup,
            columns: this.columns,
            localPath,
          },
          [],
        ),
      );
    }
    const fetched = this.chain.then(async () => {
      const file = await this.fileOf(task);
      return { file, bytes: await file.fetchRowGroup(task.rowGroup, this.shapesOf(file)) };
    });
    this.chain = fetched.then(
      () => undefined,
      () => undefined,
    );
    const { file, bytes } = await fetched;
    if (!this.worker) return file.decodeRowGroup(bytes, this.shapesOf(file), this.schema);
    return this.reply(task, () => this.post(file, bytes));
  }

  private async reply(task: RowGroupTask, send: () => Promise<Reply>): Promise<RecordBatch> {
    let reply: Reply;
    try {
      reply = await send();
    } catch (error) {
      // The chunk bytes went to the dead worker: fetch them again.
      if (error instanceof WorkerGone) return this.decode(task);
      throw error;
    }
    if ("error" in reply)
      throw reply.hint ? new RefusedError(reply.error, reply.hint) : new Error(reply.error);
    const children: Data[] = reply.children.map((c, i) => fromWire(this.schema.fields[i]!.type, c));
    const data = makeData({
      type: new Struct(this.schema.fields),
      length: reply.rows,
      nullCount: 0,
      children,
    });
    return new RecordBatch(this.schema, data);
  }

  private send(request: DecodeRequest, transfer: ArrayBuffer[]): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.worker!.postMessage(request, transfer);
    });
  }

  private post(file: ParquetFile, bytes: RowGroupBytes): Promise<Reply> {
    const id = this.nextId++;
    // The footer goes once per file; the chunk bytes are transferred, not copied.
    const footer = this.workerFile === file ? undefined : file.footer.slice();
    this.workerFile = file;
    const chunks = [...bytes.chunks];
    const transfer = new Set<ArrayBuffer>();
    for (const [, b] of chunks) if (b.buffer instanceof ArrayBuffer) transfer.add(b.buffer);
    const request: DecodeRequest = {
      id,
      url: file.path,
      size: file.size,
      footer,
      rowGroup: bytes.rowGroup,
      columns: this.columns,
      chunks,
    };
    return this.send(request, [...transfer]);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.local?.file.close().catch(() => undefined);
    this.local = undefined;
    this.workerFile = undefined;
    const worker = this.worker;
    this.worker = undefined;
    for (const w of this.waiting.values()) w.reject(new Error("decoder closed"));
    this.waiting.clear();
    worker?.removeAllListeners("exit");
    await worker?.terminate();
  }
}

class WorkerGone extends Error {
  constructor(cause: unknown) {
    super("the decoder worker stopped", { cause });
  }
}
