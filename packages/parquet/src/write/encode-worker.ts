// Worker thread: writes one Parquet file. The main thread hands over each row group's columns
// (copied parts, transferred, not cloned); this thread gathers, builds dictionaries and
// statistics, compresses and appends pages to the file, so the main thread stays free to read,
// report progress and handle signals. Requests run one at a time, in order.
import { parentPort } from "node:worker_threads";
import type { Data } from "apache-arrow";
import { decodeArrowSchema } from "../arrow-schema.js";
import type { Compression } from "../options.js";
import { collectGarbage } from "../read/collect.js";
import { fromWire, type WireData } from "../read/transfer.js";
import { compressorFor } from "./codecs.js";
import { ParquetFileWriter } from "./file-writer.js";
import { UnwritableError } from "./schema.js";

export type EncodeRequest =
  | {
      type: "open";
      path: string;
      /** The Arrow schema as its IPC message (base64): classes do not cross threads. */
      arrowSchema: string;
      elements: ConstructorParameters<typeof ParquetFileWriter>[2];
      compression: Compression;
      level?: number;
      dictionary: boolean;
      fast: boolean;
      kvMetadata: { key: string; value: string }[];
    }
  | { type: "group"; rows: number; columns: WireData[][] }
  | { type: "finish" }
  | { type: "abort" };

export type EncodeReply =
  | { ok: true; bytes?: number }
  | { ok: false; message: string; unwritable: boolean; code?: string };

let writer: ParquetFileWriter | undefined;
let types: Data["type"][] = [];
let chain: Promise<void> = Promise.resolve();

parentPort!.on("message", (request: EncodeRequest) => {
  chain = chain.then(() => handle(request));
});

async function handle(request: EncodeRequest): Promise<void> {
  let reply: EncodeReply;
  try {
    reply = { ok: true, bytes: await run(request) };
  } catch (error) {
    const e = error as Error & { code?: string };
    reply = {
      ok: false,
      message: e instanceof Error ? e.message : String(error),
      unwritable: error instanceof UnwritableError,
      code: typeof e?.code === "string" ? e.code : undefined,
    };
  }
  parentPort!.postMessage(reply);
}

async function run(request: EncodeRequest): Promise<number | undefined> {
  switch (request.type) {
    case "open": {
      const schema = decodeArrowSchema(request.arrowSchema);
      if (!schema) throw new Error("the encoder thread could not decode the Arrow schema");
      types = schema.fields.map((f) => f.type);
      const { codec, compressors } = await compressorFor(request.compression, request.level);
      writer = new ParquetFileWriter(request.path, schema, request.elements, {
        codec,
        compressors,
        dictionary: request.dictionary,
        kvMetadata: request.kvMetadata,
        fast: request.fast,
      });
      return undefined;
    }
    case "group": {
      const columns = request.columns.map((parts, c) => parts.map((p) => fromWire(types[c]!, p)));
      opened().writeRowGroup(columns, request.rows, true);
      collectGarbage();
      return undefined;
    }
    case "finish":
      return opened().finish();
    case "abort":
      writer?.close();
      writer = undefined;
      return undefined;
  }
}

function opened(): ParquetFileWriter {
  if (!writer) throw new Error("the encoder thread has no open file");
  return writer;
}
