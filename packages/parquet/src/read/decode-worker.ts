// Worker thread: decodes row groups into Arrow and hands the buffers to the main thread by transfer.
import { parentPort } from "node:worker_threads";
import { RefusedError } from "./errors.js";
import { ParquetFile } from "./parquet-file.js";
import { toWire } from "./transfer.js";

export interface DecodeRequest {
  id: number;
  path: string;
  rowGroup: number;
  columns?: string[];
}

let open: { path: string; file: ParquetFile } | undefined;

let chain: Promise<void> = Promise.resolve();

// Requests are handled one at a time, in order: they share the open file.
parentPort!.on("message", (request: DecodeRequest | { close: true }) => {
  chain = chain.then(() => handle(request));
});

async function handle(request: DecodeRequest | { close: true }): Promise<void> {
  if ("close" in request) {
    await open?.file.close().catch(() => undefined);
    open = undefined;
    return;
  }
  try {
    if (open?.path !== request.path) {
      await open?.file.close().catch(() => undefined);
      open = { path: request.path, file: await ParquetFile.open(request.path) };
    }
    const file = open.file;
    const shapes = file.shapes(request.columns);
    const batch = await file.readRowGroup(request.rowGroup, shapes, file.schema(shapes));
    const transfer = new Set<ArrayBuffer>();
    const children = batch.data.children.map((c) => toWire(c, transfer));
    parentPort!.postMessage({ id: request.id, rows: batch.numRows, children }, [...transfer]);
  } catch (error) {
    parentPort!.postMessage({
      id: request.id,
      error: error instanceof Error ? error.message : String(error),
      hint: error instanceof RefusedError ? error.hint : undefined,
    });
  }
}
