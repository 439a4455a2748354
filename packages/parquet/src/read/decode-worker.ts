// Worker thread: decodes row groups from column-chunk bytes the main thread fetched and
// transferred, and hands the Arrow buffers back by transfer. It opens no file itself.
import { parentPort } from "node:worker_threads";
import { collectGarbage } from "./collect.js";
import { RefusedError } from "./errors.js";
import { ParquetFile } from "./parquet-file.js";
import { toWire } from "./transfer.js";

export interface DecodeRequest {
  id: number;
  url: string;
  size: number;
  /** The file's footer, sent with the first row group of each file. */
  footer?: Uint8Array;
  rowGroup: number;
  columns?: string[];
  /** Column-chunk bytes by leaf path; absent when the worker reads a local file itself. */
  chunks?: [string, Uint8Array][];
  /** A local file the worker reads itself: the main thread, busy encoding, would delay its reads. */
  localPath?: string;
}

let current: ParquetFile | undefined;
let opened: { path: string; file: ParquetFile } | undefined;
let chain: Promise<void> = Promise.resolve();

// One at a time, in order: requests share the current file.
parentPort!.on("message", (request: DecodeRequest) => {
  chain = chain.then(() => handle(request));
});

async function fileFor(request: DecodeRequest): Promise<ParquetFile> {
  if (request.localPath) {
    if (opened?.path !== request.localPath) {
      await opened?.file.close().catch(() => undefined);
      opened = undefined;
      opened = { path: request.localPath, file: await ParquetFile.open(request.localPath) };
    }
    return opened.file;
  }
  if (request.footer) current = ParquetFile.fromFooter(request.url, request.size, request.footer);
  if (!current) throw new Error("decoder worker: no footer for this file");
  return current;
}

async function handle(request: DecodeRequest): Promise<void> {
  try {
    const file = await fileFor(request);
    const shapes = file.shapes(request.columns);
    const schema = file.schema(shapes);
    const batch = request.chunks
      ? file.decodeRowGroup({ rowGroup: request.rowGroup, chunks: new Map(request.chunks) }, shapes, schema)
      : await file.readRowGroup(request.rowGroup, shapes, schema);
    const transfer = new Set<ArrayBuffer>();
    const children = batch.data.children.map((c) => toWire(c, transfer));
    parentPort!.postMessage({ id: request.id, rows: batch.numRows, children }, [...transfer]);
    collectGarbage();
  } catch (error) {
    parentPort!.postMessage({
      id: request.id,
      error: error instanceof Error ? error.message : String(error),
      hint: error instanceof RefusedError ? error.hint : undefined,
    });
  }
}
