import { crc32 } from "node:zlib";
import type { ColumnChunk, CompressionCodec, DecodedArray, SchemaTree } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { readPlain } from "hyparquet/src/plain.js";
import { getMaxDefinitionLevel, getMaxRepetitionLevel } from "hyparquet/src/schema.js";
import { compressors } from "hyparquet-compressors";
import { readFlatPageV1 } from "./page-v1.js";

/** One leaf column of one row group, decoded but not yet converted: levels and physical values. */
export interface LeafData {
  /** Definition level per slot (empty when the leaf is required all the way down). */
  defs: Uint8Array;
  /** Repetition level per slot (empty for unrepeated leaves). */
  reps: Uint8Array;
  /** Number of slots (level entries). */
  slots: number;
  /** The non-null physical values, in order. */
  values: PhysicalValues;
  maxDef: number;
  maxRep: number;
}

export type PhysicalValues =
  | { kind: "int32"; data: Int32Array }
  | { kind: "int64"; data: BigInt64Array }
  | { kind: "float"; data: Float32Array }
  | { kind: "double"; data: Float64Array }
  | { kind: "bool"; data: Uint8Array }
  | { kind: "int96"; data: bigint[] }
  | { kind: "bytes"; data: Uint8Array[] };

type Growable = {
  push(page: DecodedArray, dictionary: DecodedArray | undefined): void;
  done(): PhysicalValues;
};

function numeric<T extends Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array>(
  make: (n: number) => T,
  capacity: number,
  wrap: (data: T) => PhysicalValues,
): Growable {
  const out = make(capacity);
  let n = 0;
  return {
    push(page, dictionary) {
      const count = page.length;
      if (dictionary) {
        for (let i = 0; i < count; i++)
          (out as unknown as number[])[n++] = dictionary[page[i] as number] as number;
      } else if (ArrayBuffer.isView(page) && page.constructor === out.constructor) {
        out.set(page as unknown as ArrayLike<number> & ArrayLike<bigint> as never, n);
        n += count;
      } else {
        for (let i = 0; i < count; i++) (out as unknown as unknown[])[n++] = page[i];
      }
    },
    done: () => wrap(out.subarray(0, n) as T),
  };
}

function list<T>(wrap: (data: T[]) => PhysicalValues): Growable {
  const out: T[] = [];
  return {
    push(page, dictionary) {
      const count = page.length;
      if (dictionary) for (let i = 0; i < count; i++) out.push(dictionary[page[i] as number] as T);
      else for (let i = 0; i < count; i++) out.push(page[i] as T);
    },
    done: () => wrap(out),
  };
}

function growable(type: string, capacity: number): Growable {
  switch (type) {
    case "INT32":
      return numeric(
        (n) => new Int32Array(n),
        capacity,
        (data) => ({ kind: "int32", data }),
      );
    case "INT64":
      return numeric(
        (n) => new BigInt64Array(n),
        capacity,
        (data) => ({ kind: "int64", data }),
      );
    case "FLOAT":
      return numeric(
        (n) => new Float32Array(n),
        capacity,
        (data) => ({ kind: "float", data }),
      );
    case "DOUBLE":
      return numeric(
        (n) => new Float64Array(n),
        capacity,
        (data) => ({ kind: "double", data }),
      );
    case "BOOLEAN":
      return numeric(
        (n) => new Uint8Array(n),
        capacity,
        (data) => ({ kind: "bool", data }),
      );
    case "INT96":
      return list<bigint>((data) => ({ kind: "int96", data }));
    default:
      return list<Uint8Array>((data) => ({ kind: "bytes", data }));
  }
}

const PAGE_TYPES = new Set(["DATA_PAGE", "INDEX_PAGE", "DICTIONARY_PAGE", "DATA_PAGE_V2"]);

/** Decodes the pages of one column chunk held in `bytes` (the chunk's own byte range). */
export function decodeChunk(bytes: Uint8Array, chunk: ColumnChunk, schemaPath: SchemaTree[]): LeafData {
  const meta = chunk.meta_data;
  if (!meta) throw new Error("column chunk has no metadata");
  const element = schemaPath[schemaPath.length - 1]!.element;
  const type = meta.type;
  const codec = meta.codec as CompressionCodec;
  const decoder = {
    type,
    element,
    schemaPath,
    codec,
    compressors,
    pathInSchema: meta.path_in_schema,
  } as never;
  const total = Number(meta.num_values);
  const maxDef = getMaxDefinitionLevel(schemaPath);
  const maxRep = getMaxRepetitionLevel(schemaPath);
  const defs = new Uint8Array(maxDef > 0 ? total : 0);
  const reps = new Uint8Array(maxRep > 0 ? total : 0);
  const values = growable(type, total);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let dictionary: DecodedArray | undefined;
  let slots = 0;
  while (slots < total) {
    if (reader.offset >= bytes.byteLength)
      throw new Error(`column chunk ends after ${slots} of ${total} values`);
    const header = parquetHeader(reader);
    const size = header.compressed_page_size;
    if (!PAGE_TYPES.has(header.type) || !Number.isInteger(size) || size < 0)
      throw new Error(`corrupt page header at byte ${reader.offset} of the column chunk`);
    if (reader.offset + size > bytes.byteLength)
      throw new Error("page runs past the end of its column chunk");
    const pageBytes = bytes.subarray(reader.offset, reader.offset + size);
    // The optional CRC32 covers the page as stored: a mismatch is a corrupt page, never data.
    if (header.crc !== undefined && header.crc !== null && (crc32(pageBytes) | 0) !== (header.crc | 0))
      throw new Error(
        `${header.type} at byte ${reader.offset} fails its CRC32 checksum (the page is corrupt)`,
      );
    reader.offset += size;
    if (header.type === "DICTIONARY_PAGE") {
      const page = decompressPage(pageBytes, header.uncompressed_page_size, codec, compressors);
      const view = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      dictionary = readPlain(view, type, header.dictionary_page_header!.num_values, element.type_length);
      continue;
    }
    let page: { definitionLevels: number[] | undefined; repetitionLevels: number[]; dataPage: DecodedArray };
    let count: number;
    let encoding: string;
    if (header.type === "DATA_PAGE") {
      const daph = header.data_page_header!;
      const raw = decompressPage(pageBytes, header.uncompressed_page_size, codec, compressors);
      count = daph.num_values;
      encoding = daph.encoding;
      // Typed-array decoding for flat columns with RLE levels; hyparquet for the rest.
      const flat = maxRep === 0 && (maxDef === 0 || daph.definition_level_encoding === "RLE");
      const fast = flat ? readFlatPageV1(raw, count, encoding, maxDef, type, element.type_length) : undefined;
      page = fast
        ? { definitionLevels: fast.defs as unknown as number[], repetitionLevels: [], dataPage: fast.values }
        : readDataPage(raw, daph, decoder);
    } else if (header.type === "DATA_PAGE_V2") {
      const daph2 = header.data_page_header_v2!;
      // A page of nulls may have no value bytes at all: an empty body is not a compressed
      // stream (snappy rejects it), so it is not decompressed.
      const levels = daph2.repetition_levels_byte_length + daph2.definition_levels_byte_length;
      const empty = pageBytes.length === levels && daph2.is_compressed !== false;
      const v2 = empty ? { ...header, data_page_header_v2: { ...daph2, is_compressed: false } } : header;
      page = readDataPageV2(pageBytes, v2, decoder);
      count = daph2.num_values;
      encoding = daph2.encoding;
    } else {
      continue; // index pages and unknown pages carry no values
    }
    if (count + slots > total) throw new Error("pages hold more values than the column chunk declares");
    const d = page.definitionLevels;
    if (maxDef > 0) {
      if (d instanceof Uint8Array) defs.set(d, slots);
      else if (d && d.length > 0) for (let i = 0; i < count; i++) defs[slots + i] = d[i]!;
      else defs.fill(maxDef, slots, slots + count);
    }
    if (maxRep > 0) {
      const r = page.repetitionLevels;
      for (let i = 0; i < count; i++) reps[slots + i] = r[i]!;
    }
    const dict = encoding.endsWith("_DICTIONARY") ? dictionary : undefined;
    if (encoding.endsWith("_DICTIONARY") && !dictionary) throw new Error("dictionary page missing");
    values.push(type === "BOOLEAN" && !dict ? boolBytes(page.dataPage) : page.dataPage, dict);
    slots += count;
  }
  return { defs, reps, slots, values: values.done(), maxDef, maxRep };
}

function boolBytes(page: DecodedArray): DecodedArray {
  if (page instanceof Uint8Array) return page;
  const out = new Uint8Array(page.length);
  for (let i = 0; i < page.length; i++) out[i] = page[i] ? 1 : 0;
  return out;
}
