import { Data, type DataType } from "apache-arrow";

/** An Arrow Data tree as plain buffers: what crosses a worker boundary (buffers transferred, not copied). */
export interface WireData {
  offset: number;
  length: number;
  nullCount: number;
  buffers: (ArrayBufferView | undefined)[];
  children: WireData[];
}

export function toWire(data: Data, transfer: Set<ArrayBuffer>): WireData {
  const buffers = [data.valueOffsets, data.values, data.nullBitmap, data.typeIds] as (
    | ArrayBufferView
    | undefined
  )[];
  for (const b of buffers) if (b && b.buffer instanceof ArrayBuffer) transfer.add(b.buffer);
  return {
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    buffers,
    children: data.children.map((c) => toWire(c, transfer)),
  };
}

export function fromWire(type: DataType, wire: WireData): Data {
  const children = wire.children.map((c, i) => fromWire(type.children[i]!.type, c));
  return new Data(type, wire.offset, wire.length, wire.nullCount, wire.buffers as never, children);
}
