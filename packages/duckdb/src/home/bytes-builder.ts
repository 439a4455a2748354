import { type DuckDBEnumType, type DuckDBType, DuckDBTypeId } from "@duckdb/node-api";
import { HyggeError } from "@hygge/core";
import { type Data, type Field, makeData } from "apache-arrow";
import { Base, view } from "./column-base.js";
import { pointedBytes, type RawColumn } from "./raw.js";
import { bit } from "./validity.js";

/** Most bytes one Arrow Utf8/Binary column can hold (32-bit offsets). */
const MAX_HEAP = 2 ** 31 - 1;
/** Longest run of adjacent heap strings fetched in one call. */
const MAX_RUN = 16 * 1024 * 1024;

/**
 * VARCHAR, JSON, BLOB (each value's bytes as they are) and ENUM (its label's UTF-8 bytes) as Arrow
 * Utf8/Binary. A `duckdb_string_t` holds up to 12 bytes inline, else a pointer into DuckDB's string
 * heap. Reading a pointer is a native call, so values stored back to back in the heap (the usual
 * case: a run ends only where DuckDB's heap block does) are fetched as one run, with one call. A
 * run holds exactly the bytes of its values: nothing outside them is ever read.
 */
export class BytesBuilder extends Base {
  private offsets = new Int32Array(this.capacity + 1);
  private data = new Uint8Array(64 * 1024);
  private used = 0;
  private readonly labels?: Uint8Array[];
  private readonly indexWidth: number = 0;

  constructor(field: Field, capacity: number, type: DuckDBType) {
    super(field, capacity);
    if (type.typeId === DuckDBTypeId.ENUM) {
      const e = type as DuckDBEnumType;
      const encoder = new TextEncoder();
      this.labels = e.values.map((v) => encoder.encode(v));
      const internal = e.internalTypeId;
      this.indexWidth = internal === DuckDBTypeId.UTINYINT ? 1 : internal === DuckDBTypeId.USMALLINT ? 2 : 4;
    }
  }

  override heapBytes(): number {
    return this.used;
  }

  /** Room for `length` more bytes: their position in `data`. */
  private reserve(length: number): number {
    const at = this.used;
    const end = at + length;
    if (end > MAX_HEAP)
      throw new HyggeError(
        "HOME_READ_FAILED",
        `column "${this.field.name}" holds more than 2 GiB of data in one batch`,
        {
          subject: this.field.name,
          hint: "Lower batch_size in the home's options.",
        },
      );
    if (end > this.data.byteLength) {
      const grown = new Uint8Array(Math.min(MAX_HEAP, Math.max(end, this.data.byteLength * 2)));
      grown.set(this.data.subarray(0, at));
      this.data = grown;
    }
    this.used = end;
    return at;
  }

  protected values(raw: RawColumn, mask: Uint8Array | null, start: number, count: number, at: number): void {
    if (this.labels) this.enumValues(raw, mask, start, count, at);
    else this.stringValues(raw, mask, start, count, at);
  }

  private enumValues(
    raw: RawColumn,
    mask: Uint8Array | null,
    start: number,
    count: number,
    at: number,
  ): void {
    const w = this.indexWidth;
    const bytes = raw.bytes(w);
    const index = w === 1 ? bytes : w === 2 ? view(Uint16Array, bytes) : view(Uint32Array, bytes);
    for (let k = 0; k < count; k++) {
      if (mask === null || bit(mask, start + k)) {
        const label = this.labels![index[start + k]!]!;
        this.data.set(label, this.reserve(label.byteLength));
      }
      this.offsets[at + k + 1] = this.used;
    }
  }

  private stringValues(
    raw: RawColumn,
    mask: Uint8Array | null,
    start: number,
    count: number,
    at: number,
  ): void {
    const entries = raw.bytes(16);
    const words = view(Uint32Array, entries);
    // The pending run: entry of its first value, where it goes, its length, the heap address after it.
    let runEntry = -1;
    let runTo = 0;
    let runLength = 0;
    let runEnd = 0;
    const flush = () => {
      if (runEntry >= 0) this.data.set(pointedBytes(entries, runEntry * 16, runLength), runTo);
      runEntry = -1;
    };
    for (let k = 0; k < count; k++) {
      const e = start + k;
      if (mask === null || bit(mask, e)) {
        const length = words[e * 4]!;
        if (length <= 12) {
          flush();
          const to = this.reserve(length);
          const out = this.data;
          for (let b = 0, from = e * 16 + 4; b < length; b++) out[to + b] = entries[from + b]!;
        } else {
          // x86-64 and arm64 user addresses stay below 2^48: exact as a double.
          const address = words[e * 4 + 3]! * 4294967296 + words[e * 4 + 2]!;
          const to = this.reserve(length);
          if (runEntry >= 0 && address === runEnd && runLength + length <= MAX_RUN) {
            runLength += length;
            runEnd += length;
          } else {
            flush();
            runEntry = e;
            runTo = to;
            runLength = length;
            runEnd = address + length;
          }
        }
      }
      this.offsets[at + k + 1] = this.used;
    }
    flush();
  }

  finish(length: number): Data {
    const valueOffsets = this.offsets.subarray(0, length + 1);
    const data = this.data.subarray(0, this.used);
    this.offsets = new Int32Array(this.capacity + 1);
    this.data = new Uint8Array(Math.max(64 * 1024, Math.min(this.used, 64 * 1024 * 1024)));
    this.used = 0;
    return makeData({
      type: this.field.type,
      length,
      valueOffsets,
      data,
      ...this.validity.finish(length),
    } as never);
  }
}
