import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { compress as zstdCompress, init as zstdInit } from "@bokuweb/zstd-wasm";
import type { CompressionCodec } from "hyparquet";
import { snappyCompressor } from "hysnappy";
import lz4 from "lz4js";
import type { Compression } from "../options.js";

export type Compressor = (input: Uint8Array) => Uint8Array;

const CODECS: Record<Compression, CompressionCodec> = {
  snappy: "SNAPPY",
  zstd: "ZSTD",
  gzip: "GZIP",
  brotli: "BROTLI",
  lz4: "LZ4_RAW",
  none: "UNCOMPRESSED",
};

let zstdReady: Promise<void> | undefined;
let snappy: Compressor | undefined;

/** The Parquet codec name and a compressor for `compression` (WebAssembly snappy and zstd load once). */
export async function compressorFor(
  compression: Compression,
  level?: number,
): Promise<{ codec: CompressionCodec; compressors: Partial<Record<CompressionCodec, Compressor>> }> {
  const codec = CODECS[compression];
  switch (compression) {
    case "snappy":
      snappy ??= snappyCompressor();
      return { codec, compressors: { SNAPPY: snappy } };
    case "zstd": {
      zstdReady ??= zstdInit();
      await zstdReady;
      return { codec, compressors: { ZSTD: (input) => zstdCompress(input, level ?? 3) } };
    }
    case "gzip":
      return {
        codec,
        compressors: { GZIP: (input) => gzipSync(input, level === undefined ? {} : { level }) },
      };
    case "brotli":
      return {
        codec,
        compressors: {
          BROTLI: (input) =>
            brotliCompressSync(input, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: level ?? 4,
                [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
              },
            }),
        },
      };
    case "lz4":
      return { codec, compressors: { LZ4_RAW: lz4Raw } };
    case "none":
      return { codec, compressors: {} };
  }
}

/** LZ4 block format without a frame (Parquet's LZ4_RAW). */
function lz4Raw(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(lz4.compressBound(input.length));
  const hashTable = new Uint32Array(1 << 16);
  const size = lz4.compressBlock(input, out, 0, input.length, hashTable);
  if (size === 0) {
    // Incompressible input: emit it as a single literal run.
    return literalBlock(input);
  }
  return out.subarray(0, size);
}

function literalBlock(input: Uint8Array): Uint8Array {
  const n = input.length;
  const extra = n >= 15 ? Math.floor((n - 15) / 255) + 1 : 0;
  const out = new Uint8Array(1 + extra + n);
  let o = 0;
  if (n >= 15) {
    out[o++] = 0xf0;
    let rest = n - 15;
    while (rest >= 255) {
      out[o++] = 255;
      rest -= 255;
    }
    out[o++] = rest;
  } else out[o++] = n << 4;
  out.set(input, o);
  return out.subarray(0, o + n);
}
