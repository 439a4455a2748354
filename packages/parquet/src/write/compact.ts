import { type Data, Type } from "apache-arrow";
import type { WireData } from "../read/transfer.js";

/**
 * A part of a column (flat, of a type the columnar encoder takes) copied into buffers of its own,
 * ready to be transferred to the encoder thread. A batch's buffers may be shared: slices of one
 * decoded row group, a home's pooled memory, a batch another store still reads. Transferring
 * them would detach them under their other users, and posting them uncopied would clone each
 * whole underlying buffer, so only the bytes of this part are copied (memcpy speed).
 */
export function compactPart(d: Data, transfer: Set<ArrayBuffer>): WireData {
  const typeId = d.type.typeId as Type;
  // Bitmaps are indexed by bit from `offset`; keep the bit position within the first byte.
  const byte0 = d.offset >> 3;
  const bitOffset = d.offset & 7;
  const bitBytes = (bitOffset + d.length + 7) >> 3;
  const nullBitmap =
    d.nullCount !== 0 && d.nullBitmap && d.nullBitmap.length > 0
      ? d.nullBitmap.slice(byte0, byte0 + bitBytes)
      : undefined;
  let values: ArrayBufferView;
  let valueOffsets: Int32Array | undefined;
  if (typeId === Type.Bool) {
    values = (d.values as Uint8Array).slice(byte0, byte0 + bitBytes);
  } else if (typeId === Type.Utf8 || typeId === Type.Binary) {
    // Offsets are relative to the data buffer, which slices keep whole.
    const off = d.valueOffsets as Int32Array;
    const first = off[0]!;
    valueOffsets = new Int32Array(d.length + 1);
    for (let i = 0; i <= d.length; i++) valueOffsets[i] = off[i]! - first;
    values = (d.values as Uint8Array).slice(first, off[d.length]!);
  } else {
    // Fixed width: `values` already starts at the part's first row (`stride` elements a row).
    const stride = (d as unknown as { stride: number }).stride;
    values = (d.values as Int32Array).slice(0, d.length * stride);
  }
  const buffers = [valueOffsets, values, nullBitmap, undefined];
  for (const b of buffers) if (b) transfer.add(b.buffer as ArrayBuffer);
  return {
    offset: nullBitmap || typeId === Type.Bool ? bitOffset : 0,
    length: d.length,
    nullCount: nullBitmap ? d.nullCount : 0,
    buffers,
    children: [],
  };
}
