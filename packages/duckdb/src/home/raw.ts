import type { DuckDBDataChunk } from "@duckdb/node-api";
import nodeBindings from "@duckdb/node-bindings";

/**
 * The few C-API calls of `@duckdb/node-bindings` (the native module `@duckdb/node-api` itself is
 * built on) that read a vector's memory directly: its data as bytes, its validity mask, and the
 * bytes of a non-inlined string. node-api only offers per-value reads (a JS value, often a BigInt
 * or an object, per cell); copying whole vectors is what makes the home fast. It is a dependency
 * of this package pinned to node-api's own version, so it resolves to the very instance node-api
 * loaded (the chunks it hands out are that instance's).
 */
interface Bindings {
  data_chunk_get_vector(chunk: unknown, column: number): unknown;
  vector_get_data(vector: unknown, byteCount: number): Uint8Array;
  vector_get_validity(vector: unknown, byteCount: number): Uint8Array | null;
  get_data_from_pointer(buffer: ArrayBufferLike, pointerOffset: number, byteCount: number): Uint8Array;
}

const bindings = nodeBindings as unknown as Bindings;

/** One column of a DuckDB data chunk: `bytes(width)` is its data, `valid` its validity mask. */
export interface RawColumn {
  readonly rows: number;
  /** The vector's data: `rows × width` bytes (a view of DuckDB's memory: copy before the chunk goes). */
  bytes(width: number): Uint8Array;
  /** DuckDB's validity mask (bit i of the little-endian words = row i is valid), null when all are. */
  validity(): Uint8Array | null;
}

export function rawColumn(chunk: DuckDBDataChunk, column: number): RawColumn {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  const rows = chunk.rowCount;
  return {
    rows,
    bytes: (width) => bindings.vector_get_data(vector, rows * width),
    validity: () => bindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8),
  };
}

/**
 * `byteCount` bytes at the address held by the `duckdb_string_t` at `offset` of `data` (a VARCHAR or
 * BLOB value longer than 12 bytes lives in DuckDB's string heap; bytes 8…16 of its entry point there).
 */
export function pointedBytes(data: Uint8Array, offset: number, byteCount: number): Uint8Array {
  return bindings.get_data_from_pointer(data.buffer, data.byteOffset + offset + 8, byteCount);
}
