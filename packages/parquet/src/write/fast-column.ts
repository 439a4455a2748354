import { type Data, type DataType, TimeUnit, Type } from "apache-arrow";
import type { CompressionCodec, SchemaElement } from "hyparquet";
import type { Compressor } from "./codecs.js";
import { buildDictionary } from "./dictionary.js";
import { ARRAYS, type Gathered, gather, type Physical } from "./gather.js";
import {
  type ChunkMeta,
  codecOf,
  encodingOf,
  type PageHeaderFields,
  typeOf,
  writePageHeader,
} from "./metadata.js";
import { bitPacked, rleRun, varint } from "./rle.js";
import { UnwritableError } from "./schema.js";
import { statistics } from "./statistics.js";
import { BINARY, Bytes, bin, I32, i64, list, struct } from "./thrift.js";

/**
 * A columnar encoder for flat primitive columns: values go from Arrow buffers to Parquet pages
 * without a JS value per row. Anything else (nested, sub-millisecond-less timestamps, float16…)
 * goes through the generic path (generic-column.ts).
 */
export interface ByteSink {
  offset: number;
  appendBytes(bytes: Uint8Array): void;
}

export type { Physical };

/** The physical type the fast path writes `type` as, or undefined when it does not handle it. */
export function fastPhysical(type: DataType, element: SchemaElement): Physical | undefined {
  if (element.converted_type === "DECIMAL") {
    return element.type === "INT32" || element.type === "INT64" || element.type === "FIXED_LEN_BYTE_ARRAY"
      ? element.type
      : undefined;
  }
  switch (type.typeId) {
    case Type.Bool:
      return "BOOLEAN";
    case Type.Int:
      return (type as unknown as { bitWidth: number }).bitWidth === 64 ? "INT64" : "INT32";
    case Type.Date:
      return (type as unknown as { unit: number }).unit === 0 ? "INT32" : undefined;
    case Type.Time:
      return element.type === "INT32" ? "INT32" : "INT64";
    case Type.Timestamp:
      return (type as unknown as { unit: TimeUnit }).unit === TimeUnit.SECOND ? undefined : "INT64";
    case Type.Float: {
      const p = (type as unknown as { precision: number }).precision;
      return p === 1 ? "FLOAT" : p === 2 ? "DOUBLE" : undefined;
    }
    case Type.Utf8:
    case Type.Binary:
      return "BYTE_ARRAY";
    default:
      return undefined;
  }
}

const PAGE_BYTES = 1 << 20;

export interface FastColumnOptions {
  codec: CompressionCodec;
  compress?: Compressor;
  dictionary: boolean;
}

/** Appends a page: its thrift header, then its (compressed) body. Returns the uncompressed size counted in chunk totals. */
function appendPage(sink: ByteSink, header: PageHeaderFields, compressed: Uint8Array): number {
  const h = new Bytes();
  writePageHeader(h, header);
  sink.appendBytes(h.result().slice());
  sink.appendBytes(compressed);
  return header.uncompressed + h.length;
}

/** Writes one column chunk (dictionary page when it pays, then ~1 MB data pages v1); returns its ColumnChunk metadata. */
export function writeFastColumn(
  sink: ByteSink,
  element: SchemaElement,
  physical: Physical,
  parts: Data[],
  options: FastColumnOptions,
): ChunkMeta {
  let g: Gathered;
  try {
    g = gather(parts, physical, element.type_length ?? 0);
  } catch (error) {
    if (error instanceof UnwritableError)
      throw new UnwritableError(`column "${element.name}": ${error.message}`);
    throw error;
  }
  const optional = element.repetition_type !== "REQUIRED";
  const start = sink.offset;
  let uncompressed = 0;
  const pack = (body: Uint8Array) => (options.compress ? options.compress(body) : body);
  const encodings: string[] = [];

  let dict: ReturnType<typeof buildDictionary> | undefined;
  if (physical === "BYTE_ARRAY" && options.dictionary) dict = buildDictionary(g.offsets!, g.bytes!);

  let dictionaryOffset: bigint | undefined;
  if (dict) {
    dictionaryOffset = BigInt(sink.offset);
    const body = dict.page;
    const compressed = pack(body);
    uncompressed += appendPage(
      sink,
      {
        type: "DICTIONARY_PAGE",
        uncompressed: body.length,
        compressed: compressed.length,
        count: dict.entries.length,
        encoding: "PLAIN",
      },
      compressed,
    );
    encodings.push("PLAIN");
  }
  const encoding = dict ? "RLE_DICTIONARY" : "PLAIN";
  encodings.push(encoding, "RLE");

  const dataOffset = BigInt(sink.offset);
  const avg = bytesPerValue(physical, element, g, dict !== undefined);
  const pageRows = Math.max(1024, Math.floor(PAGE_BYTES / Math.max(1, avg) / 8) * 8);
  let value = 0;
  for (let r0 = 0; r0 < g.rows; r0 += pageRows) {
    const r1 = Math.min(g.rows, r0 + pageRows);
    const n = r1 - r0;
    let present = n;
    const chunks: Uint8Array[] = [];
    if (optional) {
      present = popcount(g.validity, r0, r1);
      const levels = present === n ? rleRun(n, 1, 1) : bitPackedBits(g.validity, r0, n);
      const len = new Uint8Array(4);
      new DataView(len.buffer).setUint32(0, levels.length, true);
      chunks.push(len, levels);
    }
    const v0 = value;
    const v1 = value + present;
    value = v1;
    if (dict) {
      const width = Math.max(1, 32 - Math.clz32(dict.entries.length - 1));
      chunks.push(new Uint8Array([width]), bitPacked(dict.indexes.subarray(v0, v1), width));
    } else if (physical === "BYTE_ARRAY") {
      chunks.push(plainBytes(g.offsets!, g.bytes!, v0, v1));
    } else if (physical === "FIXED_LEN_BYTE_ARRAY") {
      const w = element.type_length!;
      chunks.push(g.fixed!.subarray(v0 * w, v1 * w));
    } else if (physical === "BOOLEAN") {
      chunks.push(packBits((g.values as Uint8Array).subarray(v0, v1)));
    } else {
      const vals = g.values!.subarray(v0, v1);
      chunks.push(new Uint8Array(vals.buffer, vals.byteOffset, vals.byteLength));
    }
    const body = concat(chunks);
    const compressed = pack(body);
    uncompressed += appendPage(
      sink,
      { type: "DATA_PAGE", uncompressed: body.length, compressed: compressed.length, count: n, encoding },
      compressed,
    );
  }
  return struct(
    [2, i64(start)],
    [
      3,
      struct(
        [1, typeOf(physical)],
        [2, list(I32, encodings.map(encodingOf))],
        [3, list(BINARY, [bin(element.name)])],
        [4, codecOf(options.codec)],
        [5, i64(g.rows)],
        [6, i64(uncompressed)],
        [7, i64(sink.offset - start)],
        [9, i64(dataOffset)],
        [11, dictionaryOffset === undefined ? undefined : i64(dictionaryOffset)],
        [12, statistics(g, physical, element, dict?.entries)],
      ),
    ],
  );
}

function bytesPerValue(physical: Physical, element: SchemaElement, g: Gathered, dictionary: boolean): number {
  if (physical === "FIXED_LEN_BYTE_ARRAY") return element.type_length ?? 16;
  if (physical === "BYTE_ARRAY") return dictionary ? 4 : g.bytes!.length / Math.max(1, g.rows) + 4;
  return ARRAYS[physical].BYTES_PER_ELEMENT;
}

function popcount(bits: Uint8Array, r0: number, r1: number): number {
  let n = 0;
  for (let r = r0; r < r1; r++) n += (bits[r >> 3]! >> (r & 7)) & 1;
  return n;
}

/** Def levels of rows [r0, r0+n) as one bit-packed run (r0 is a multiple of 8). */
function bitPackedBits(validity: Uint8Array, r0: number, n: number): Uint8Array {
  const groups = Math.ceil(n / 8);
  const header = varint((groups << 1) | 1);
  const out = new Uint8Array(header.length + groups);
  out.set(header);
  out.set(validity.subarray(r0 >> 3, (r0 >> 3) + groups), header.length);
  // Bits past the page's last row belong to the next page: clear them.
  const tail = n & 7;
  if (tail) out[out.length - 1]! &= (1 << tail) - 1;
  return out;
}

/** PLAIN booleans: one bit per value, LSB first. */
function packBits(values: Uint8Array): Uint8Array {
  const out = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

function plainBytes(offsets: Int32Array, bytes: Uint8Array, v0: number, v1: number): Uint8Array {
  const size = offsets[v1]! - offsets[v0]! + 4 * (v1 - v0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let o = 0;
  for (let v = v0; v < v1; v++) {
    const len = offsets[v + 1]! - offsets[v]!;
    view.setUint32(o, len, true);
    out.set(bytes.subarray(offsets[v]!, offsets[v + 1]!), o + 4);
    o += 4 + len;
  }
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
