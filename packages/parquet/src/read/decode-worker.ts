// Worker thread: decodes row groups from column-chunk bytes the main thread fetched and
// transferred, and hands the Arrow buffers back by transfer. It opens no file itself.
import { parentPort } from "node:worker_threads";
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
  /** Column-chunk bytes by leaf path. */
  chunks: [string, Uint8Array][];
}

let current: ParquetFile | undefined;

parentPort!.on("message", (request: DecodeRequest) => {
  try {
    if (request.footer) current = ParquetFile.fromFooter(request.url, request.size, request.footer);
    if (!current) throw new Error("decoder worker: no footer for this file");
    const shapes = current.shapes(request.columns);
    const batch = current.decodeRowGroup(
      { rowGroup: request.rowGroup, chunks: new Map(request.chunks) },
      shapes,
      current.schema(shapes),
    );
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
});
