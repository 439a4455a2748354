import nodeBindings from "@duckdb/node-bindings";
import { HyggeError } from "@hygge/core";
import type { Data, Field } from "apache-arrow";

export type RawVector = object;

interface Bindings {
  data_chunk_get_vector(chunk: object, column: number): RawVector;
  copy_data_to_vector(v: RawVector, at: number, from: ArrayBufferLike, offset: number, bytes: number): void;
  vector_ensure_validity_writable(v: RawVector): void;
  copy_data_to_vector_validity(v: RawVector, at: number, from: ArrayBufferLike, off: number, n: number): void;
  vector_assign_string_element_len(v: RawVector, index: number, bytes: Uint8Array): void;
}

// The C-API bindings the node-api is built on (a dependency of ours too, pinned to the node-api's
// version): the only way to copy Arrow buffers into a data chunk's vectors without a JS value per cell.
export const bindings = nodeBindings as unknown as Bindings;

/** How one Arrow column lands in DuckDB: its column type and an exact copy of a row range. */
export interface ColumnMapping {
  name: string;
  /** DuckDB column type (DDL). */
  type: string;
  /** Copies rows `[start, start + count)` of `data` into `vector` (a chunk vector of `count` rows). */
  write(vector: RawVector, data: Data, start: number, count: number): void;
}

export const NESTED_HINT =
  "DuckDB can hold it, but hygge does not load nested or interval values yet: cast the column to text (JSON) or to a flat type in the home, or leave it out with the home's columns:.";

export function refuseType(field: Field, why: string, hint: string): never {
  throw new HyggeError("SCHEMA_MISMATCH", `column "${field.name}" has Arrow type ${field.type}: ${why}`, {
    subject: field.name,
    hint,
  });
}

export function refuseValue(field: Field, row: number, value: string, why: string, hint: string): never {
  throw new HyggeError(
    "STORE_WRITE_FAILED",
    `column "${field.name}" holds ${value} (row ${row} of the batch), which ${why}. Nothing was written.`,
    { subject: field.name, hint },
  );
}

export function isValid(data: Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return true;
  const bit = data.offset + i;
  return ((data.nullBitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

export function writeValidity(vector: RawVector, data: Data, start: number, count: number): void {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return;
  const mask = new Uint8Array(Math.ceil(count / 64) * 8);
  for (let i = 0; i < count; i++) if (isValid(data, start + i)) mask[i >> 3]! |= 1 << (i & 7);
  bindings.vector_ensure_validity_writable(vector);
  bindings.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
}

type Typed = Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;

export function copy(
  vector: RawVector,
  values: ArrayBufferView,
  width: number,
  start: number,
  count: number,
) {
  bindings.copy_data_to_vector(vector, 0, values.buffer, values.byteOffset + start * width, count * width);
}

export const fixed =
  (width: number) =>
  (vector: RawVector, data: Data, start: number, count: number): void => {
    copy(vector, data.values as Typed, width, start, count);
    writeValidity(vector, data, start, count);
  };

/** 64-bit values DuckDB reads as ±infinity (timestamps): refused, they are not the source's instants. */
export function checkNoInfinity(field: Field, data: Data, start: number, count: number): void {
  const v = data.values as BigInt64Array;
  const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  for (let i = start; i < start + count; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    const sentinel = (hi === 0x7fffffff && lo === -1) || (hi === -0x80000000 && (lo === 0 || lo === 1));
    if (sentinel && isValid(data, i)) {
      refuseValue(
        field,
        i,
        String(v[i]),
        "DuckDB reads as infinity",
        "Filter the row out or set the value to null in the home.",
      );
    }
  }
}
