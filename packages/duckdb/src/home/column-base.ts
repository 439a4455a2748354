import type { Data, Field } from "apache-arrow";
import type { RawColumn } from "./raw.js";
import { ValidityBuilder } from "./validity.js";

/**
 * One Arrow column filled from DuckDB vectors. `append` copies rows `start … start+count` of a
 * chunk's vector to rows `at …` of the batch being built; `finish` hands the batch's column over
 * and starts a fresh one (the buffers move to Arrow, nothing is copied twice).
 */
export interface ColumnBuilder {
  append(raw: RawColumn, start: number, count: number, at: number): void;
  /** Bytes of variable-length values held (text and blobs), to cut a batch before it grows huge. */
  heapBytes(): number;
  finish(length: number): Data;
}

/** A typed view of `bytes` (copied first when DuckDB's memory is not aligned for it). */
export function view<T>(
  Ctor: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number },
  bytes: Uint8Array,
): T {
  const n = bytes.byteLength / Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer, bytes.byteOffset, n);
  return new Ctor(bytes.slice().buffer, 0, n);
}

/** Validity copied from DuckDB's mask for every column; `values` does the rest. */
export abstract class Base implements ColumnBuilder {
  protected validity: ValidityBuilder;
  constructor(
    protected readonly field: Field,
    protected readonly capacity: number,
  ) {
    this.validity = new ValidityBuilder(capacity);
  }
  append(raw: RawColumn, start: number, count: number, at: number): void {
    const mask = raw.validity();
    this.validity.append(mask, start, count, at);
    this.values(raw, mask, start, count, at);
  }
  heapBytes(): number {
    return 0;
  }
  protected abstract values(
    raw: RawColumn,
    mask: Uint8Array | null,
    start: number,
    count: number,
    at: number,
  ): void;
  abstract finish(length: number): Data;
}
