import { type DuckDBDecimalType, type DuckDBType, DuckDBTypeId } from "@duckdb/node-api";
import { HyggeError } from "@hygge/core";
import { type Data, type Field, makeData } from "apache-arrow";
import { decimalStorageBytes } from "../types/from-duckdb.js";
import { BytesBuilder } from "./bytes-builder.js";
import { Base, type ColumnBuilder, view } from "./column-base.js";
import type { RawColumn } from "./raw.js";
import { bit } from "./validity.js";

const WIDTH: Partial<Record<DuckDBTypeId, number>> = {
  [DuckDBTypeId.TINYINT]: 1,
  [DuckDBTypeId.UTINYINT]: 1,
  [DuckDBTypeId.SMALLINT]: 2,
  [DuckDBTypeId.USMALLINT]: 2,
  [DuckDBTypeId.INTEGER]: 4,
  [DuckDBTypeId.UINTEGER]: 4,
  [DuckDBTypeId.FLOAT]: 4,
  [DuckDBTypeId.DATE]: 4,
  [DuckDBTypeId.BIGINT]: 8,
  [DuckDBTypeId.UBIGINT]: 8,
  [DuckDBTypeId.DOUBLE]: 8,
  [DuckDBTypeId.TIME]: 8,
  [DuckDBTypeId.TIME_NS]: 8,
  [DuckDBTypeId.TIMESTAMP_S]: 8,
  [DuckDBTypeId.TIMESTAMP_MS]: 8,
  [DuckDBTypeId.TIMESTAMP]: 8,
  [DuckDBTypeId.TIMESTAMP_NS]: 8,
  [DuckDBTypeId.TIMESTAMP_TZ]: 8,
};

/** Types whose DuckDB values include ±infinity. */
const HAS_INFINITY = new Set<DuckDBTypeId>([
  DuckDBTypeId.DATE,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

function infinityRefused(column: string): HyggeError {
  return new HyggeError(
    "HOME_READ_FAILED",
    `column "${column}" holds infinity or -infinity, which Arrow cannot hold`,
    {
      subject: column,
      hint: `Filter those rows or map them in the query, e.g. CASE WHEN isinf("${column}") THEN NULL ELSE "${column}" END.`,
    },
  );
}

/** Whether valid rows `start … start+count` hold DuckDB's ±infinity (no Arrow value: refused). */
function findInfinity(
  width: number,
  bytes: Uint8Array,
  mask: Uint8Array | null,
  start: number,
  count: number,
): boolean {
  const words = view(Int32Array, bytes);
  for (let i = start; i < start + count; i++) {
    if (mask !== null && !bit(mask, i)) continue;
    if (width === 4) {
      const v = words[i]!;
      if (v === 2147483647 || v === -2147483647) return true;
    } else {
      const lo = words[2 * i]!;
      const hi = words[2 * i + 1]!;
      if ((hi === 2147483647 && lo === -1) || (hi === -2147483648 && lo === 1)) return true;
    }
  }
  return false;
}

/** Values whose DuckDB bytes are their Arrow bytes: integers, floats, dates, times, timestamps. */
class FixedBuilder extends Base {
  private buffer: Uint8Array;
  constructor(
    field: Field,
    capacity: number,
    private readonly width: number,
    private readonly refuseInfinity: boolean,
  ) {
    super(field, capacity);
    this.buffer = new Uint8Array(capacity * width);
  }
  protected values(raw: RawColumn, mask: Uint8Array | null, start: number, count: number, at: number): void {
    const w = this.width;
    const bytes = raw.bytes(w);
    if (this.refuseInfinity && findInfinity(w, bytes, mask, start, count))
      throw infinityRefused(this.field.name);
    this.buffer.set(bytes.subarray(start * w, (start + count) * w), at * w);
  }
  finish(length: number): Data {
    const ArrayType = this.field.type.ArrayType as new (b: ArrayBufferLike, o: number, n: number) => unknown;
    const data = new ArrayType(this.buffer.buffer, 0, length);
    this.buffer = new Uint8Array(this.capacity * this.width);
    return makeData({ type: this.field.type, length, data, ...this.validity.finish(length) } as never);
  }
}

/** BOOLEAN: one byte per value in DuckDB, one bit in Arrow. */
class BoolBuilder extends Base {
  private bits = new Uint8Array(Math.ceil(this.capacity / 8) || 1);
  protected values(raw: RawColumn, _mask: Uint8Array | null, start: number, count: number, at: number): void {
    const bytes = raw.bytes(1);
    for (let k = 0; k < count; k++) {
      const i = at + k;
      if (bytes[start + k]) this.bits[i >> 3]! |= 1 << (i & 7);
    }
  }
  finish(length: number): Data {
    const data = this.bits;
    this.bits = new Uint8Array(Math.ceil(this.capacity / 8) || 1);
    return makeData({ type: this.field.type, length, data, ...this.validity.finish(length) } as never);
  }
}

/** DECIMAL(p,s) from DuckDB's int16/int32/int64/int128 storage to Decimal128's four 32-bit words. */
class DecimalBuilder extends Base {
  private words: Int32Array;
  private readonly storage: 2 | 4 | 8 | 16;
  constructor(field: Field, capacity: number, type: DuckDBDecimalType) {
    super(field, capacity);
    this.storage = decimalStorageBytes(type.width);
    this.words = new Int32Array(capacity * 4);
  }
  protected values(raw: RawColumn, _mask: Uint8Array | null, start: number, count: number, at: number): void {
    const bytes = raw.bytes(this.storage);
    const out = this.words;
    if (this.storage === 16) {
      new Uint8Array(out.buffer).set(bytes.subarray(start * 16, (start + count) * 16), at * 16);
      return;
    }
    if (this.storage === 8) {
      const src = view(Int32Array, bytes);
      for (let k = 0; k < count; k++) {
        const o = (at + k) * 4;
        const hi = src[2 * (start + k) + 1]!;
        out[o] = src[2 * (start + k)]!;
        out[o + 1] = hi;
        out[o + 2] = out[o + 3] = hi >> 31;
      }
      return;
    }
    const src = this.storage === 4 ? view(Int32Array, bytes) : view(Int16Array, bytes);
    for (let k = 0; k < count; k++) {
      const v = src[start + k]!;
      const o = (at + k) * 4;
      out[o] = v;
      out[o + 1] = out[o + 2] = out[o + 3] = v >> 31;
    }
  }
  finish(length: number): Data {
    const data = new Uint32Array(this.words.buffer, 0, length * 4);
    this.words = new Int32Array(this.capacity * 4);
    return makeData({ type: this.field.type, length, data, ...this.validity.finish(length) } as never);
  }
}

/** UUID: DuckDB's hugeint (upper word sign-flipped for ordering) to the 16 RFC 4122 bytes. */
class UuidBuilder extends Base {
  private bytes = new Uint8Array(this.capacity * 16);
  protected values(raw: RawColumn, mask: Uint8Array | null, start: number, count: number, at: number): void {
    const src = raw.bytes(16);
    const out = this.bytes;
    for (let k = 0; k < count; k++) {
      if (mask !== null && !bit(mask, start + k)) continue;
      const s = (start + k) * 16;
      const o = (at + k) * 16;
      for (let b = 0; b < 8; b++) {
        out[o + b] = src[s + 15 - b]!; // upper word, big-endian
        out[o + 8 + b] = src[s + 7 - b]!; // lower word, big-endian
      }
      out[o] = out[o]! ^ 0x80;
    }
  }
  finish(length: number): Data {
    const data = this.bytes.subarray(0, length * 16);
    this.bytes = new Uint8Array(this.capacity * 16);
    return makeData({ type: this.field.type, length, data, ...this.validity.finish(length) } as never);
  }
}

/** The builder of a column whose field `arrowFieldFromDuckDB` gave (so its type is mappable). */
export function columnBuilder(field: Field, type: DuckDBType, capacity: number): ColumnBuilder {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new BoolBuilder(field, capacity);
    case DuckDBTypeId.DECIMAL:
      return new DecimalBuilder(field, capacity, type as DuckDBDecimalType);
    case DuckDBTypeId.UUID:
      return new UuidBuilder(field, capacity);
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.ENUM:
      return new BytesBuilder(field, capacity, type);
  }
  const width = WIDTH[type.typeId];
  if (width === undefined) throw new Error(`no builder for DuckDB type ${String(type)}`);
  return new FixedBuilder(field, capacity, width, HAS_INFINITY.has(type.typeId));
}

export type { ColumnBuilder };
