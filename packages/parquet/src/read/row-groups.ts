import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type Data, makeData, RecordBatch, type Schema, Struct } from "apache-arrow";
import { RefusedError } from "./errors.js";
import { ParquetFile } from "./parquet-file.js";
import { fromWire, type WireData } from "./transfer.js";

export interface RowGroupTask {
  path: string;
  rowGroup: number;
}

type Reply =
  | { id: number; rows: number; children: WireData[] }
  | { id: number; error: string; hint?: string };

/**
 * Decodes row groups, in a worker thread when the compiled worker is available (decode runs on
 * another core while the main thread encodes), in this thread otherwise. Set
 * HYGGE_PARQUET_WORKERS=0 to force in-thread decoding.
 */
export class RowGroupDecoder {
  private worker?: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: unknown) => void }>();
  private local?: { path: string; file: ParquetFile };
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

  async decode(task: RowGroupTask): Promise<RecordBatch> {
    if (!this.worker) {
      // One at a time: decodes share the open file.
      const result = this.chain.then(() => this.decodeHere(task));
      this.chain = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    }
    const id = this.nextId++;
    let reply: Reply;
    try {
      reply = await new Promise<Reply>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        this.worker!.postMessage({ id, path: task.path, rowGroup: task.rowGroup, columns: this.columns });
      });
    } catch (error) {
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

  private async decodeHere(task: RowGroupTask): Promise<RecordBatch> {
    if (this.local?.path !== task.path) {
      await this.local?.file.close();
      this.local = undefined;
      this.local = { path: task.path, file: await ParquetFile.open(task.path) };
    }
    const file = this.local.file;
    return file.readRowGroup(task.rowGroup, file.shapes(this.columns), this.schema);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.local?.file.close().catch(() => undefined);
    this.local = undefined;
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
