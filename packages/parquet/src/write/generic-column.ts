import type { Data } from "apache-arrow";
import type { CompressionCodec, SchemaElement } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Compressor } from "./codecs.js";
import { columnValues } from "./columns.js";
import type { ChunkMeta } from "./metadata.js";
import { decodeStruct, field, I64, STRUCT, type TValue } from "./thrift.js";

/**
 * The generic path, for the columns the columnar encoder does not handle (nested columns and a
 * few rare types): hyparquet-writer's public `parquetWriteBuffer` encodes the column's values
 * (Dremel levels, pages, statistics) as a one-column, one-row-group file in memory; its column
 * chunks are copied into our file and their metadata moved to their new offsets, byte for byte.
 */
export interface GenericColumnOptions {
  codec: CompressionCodec;
  compressors: Partial<Record<CompressionCodec, Compressor>>;
  dictionary: boolean;
}

export interface ByteSink {
  offset: number;
  appendBytes(bytes: Uint8Array): void;
}

/** The schema elements of top-level column `index`: its subtree of the flattened schema. */
export function columnElements(elements: SchemaElement[], index: number): SchemaElement[] {
  const size = (i: number): number => {
    let n = 1;
    let child = i + 1;
    for (let k = 0; k < (elements[i]!.num_children ?? 0); k++) {
      const s = size(child);
      n += s;
      child += s;
    }
    return n;
  };
  let at = 1;
  for (let c = 0; c < index; c++) at += size(at);
  return elements.slice(at, at + size(at));
}

/** Writes the chunks of one top-level column (one per leaf); returns their ColumnChunk metadata. */
export function writeGenericColumn(
  sink: ByteSink,
  subtree: SchemaElement[],
  parts: Data[],
  rows: number,
  options: GenericColumnOptions,
): ChunkMeta[] {
  const name = subtree[0]!.name;
  const file = new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        {
          name,
          data: columnValues(parts) as never,
          encoding: options.dictionary ? undefined : "PLAIN",
          offsetIndex: false,
          columnIndex: false,
        },
      ],
      schema: [{ name: "schema", num_children: 1 }, ...subtree.map(encodingElement)],
      codec: options.codec,
      compressors: options.compressors as never,
      rowGroupSize: Math.max(1, rows),
      pageSize: 1 << 20,
    }),
  );
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const footerLength = view.getUint32(file.length - 8, true);
  const { value: meta } = decodeStruct(file, file.length - 8 - footerLength);
  const groups = field(meta, 4);
  const group = groups?.type === 9 ? groups.value[0] : undefined;
  const columns = field(group, 1);
  if (columns?.type !== 9) throw new Error(`column "${name}": the encoder wrote no column chunks`);
  // The chunks are contiguous from byte 4 (after "PAR1") to the end of the last one.
  let end = 4;
  for (const chunk of columns.value) {
    const m = field(chunk, 3);
    const start = Number(num(field(m, 11)) ?? num(field(m, 9)));
    end = Math.max(end, start + Number(num(field(m, 7))));
  }
  const shift = BigInt(sink.offset - 4);
  sink.appendBytes(file.subarray(4, end));
  return columns.value.map((chunk) => moved(chunk, shift));
}

function num(v: TValue | undefined): bigint | undefined {
  return v?.type === I64 ? v.value : undefined;
}

/** A ColumnChunk with its file and page offsets moved by `shift`. */
function moved(chunk: TValue, shift: bigint): TValue {
  if (chunk.type !== STRUCT) throw new Error("corrupt column chunk metadata");
  const shiftField = ([id, v]: [number, TValue], ids: number[]): [number, TValue] =>
    ids.includes(id) && v.type === I64 ? [id, { type: I64, value: v.value + shift }] : [id, v];
  return {
    type: STRUCT,
    value: chunk.value.map(([id, v]) => {
      if (id === 3 && v.type === STRUCT)
        // data_page_offset, index_page_offset, dictionary_page_offset, bloom_filter_offset
        return [id, { type: STRUCT, value: v.value.map((f) => shiftField(f, [9, 10, 11, 14])) }];
      return shiftField([id, v], [2]);
    }),
  };
}

/**
 * The leaf element hyparquet-writer encodes with. Its value conversion would JSON.stringify the
 * bytes of a JSON column; hygge hands it the bytes already, so the annotation is left out here
 * (the file's schema, written from the full elements, keeps it).
 */
function encodingElement(element: SchemaElement): SchemaElement {
  if (element.converted_type !== "JSON" && element.logical_type?.type !== "JSON") return element;
  return { ...element, converted_type: undefined, logical_type: undefined };
}
