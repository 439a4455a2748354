import type { RecordBatch, Schema } from "apache-arrow";
import type { Writer } from "./pg-type-row.js";
import { pgWriteCodec as codec, pgBinaryWritable } from "./postgres-type-table.js";

/** A writer that checks each value against the target column first (no check: the writer itself). */
function guarded(write: Writer, guard: ((i: number) => void) | undefined): Writer {
  if (!guard) return write;
  return (buf, at, i) => {
    guard(i);
    return write(buf, at, i);
  };
}

/** COPY BINARY framing: signature, flags, header extension length; a -1 field count ends it. */
export const COPY_BINARY_HEADER = Buffer.concat([
  Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"),
  Buffer.alloc(8),
]);
export const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/**
 * True when every column of `schema` can be written in binary COPY format into a table whose
 * columns have the types `actual` (regtype text by column name): the type table's encoders,
 * straight from the Arrow buffers (no per-value strings).
 */
export function binaryCompatible(schema: Schema, actual: ReadonlyMap<string, string>): boolean {
  return schema.fields.every((f) => {
    if (!pgBinaryWritable(f)) return false;
    const type = actual.get(f.name);
    return type !== undefined && codec(f).binaryTargets.includes(type);
  });
}

/**
 * A batch as COPY BINARY tuples (no header or trailer), encoded from the Arrow buffers.
 * `typmods` (by column name) are the declared modifiers of an existing table's columns: values
 * PostgreSQL would round to fit them are refused.
 */
export function encodeCopyBinary(batch: RecordBatch, typmods?: ReadonlyMap<string, number>): Buffer {
  const fields = batch.schema.fields;
  const columns = fields.map((_, c) => batch.getChildAt(c)!.data[0]!);
  const n = batch.numRows;
  let size = n * 2;
  const writers: Writer[] = [];
  for (let c = 0; c < fields.length; c++) {
    const encoder = codec(fields[c]!).encode(columns[c]!);
    if (!encoder) throw new Error(`column "${fields[c]!.name}" has no binary COPY encoder`);
    size += encoder.bytes;
    writers.push(
      guarded(
        encoder.write,
        typmods && codec(fields[c]!).guard(columns[c]!, typmods.get(fields[c]!.name) ?? -1),
      ),
    );
  }
  const buf = Buffer.allocUnsafe(size);
  const nullable = columns.map((d) => d.nullCount > 0);
  const width = columns.length;
  let at = 0;
  for (let i = 0; i < n; i++) {
    buf.writeInt16BE(width, at);
    at += 2;
    for (let c = 0; c < width; c++) {
      if (nullable[c] && !columns[c]!.getValid(i)) {
        buf.writeInt32BE(-1, at);
        at += 4;
      } else at = writers[c]!(buf, at, i);
    }
  }
  return at === size ? buf : buf.subarray(0, at);
}
