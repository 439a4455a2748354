import {
  type Data,
  type DataType,
  type Decimal,
  type Float,
  Precision,
  type RecordBatch,
  type Timestamp,
  Type,
  type Vector,
} from "apache-arrow";
import { formatDecimal, wordsToBigInt } from "../arrow/values.js";
import { HyggeError } from "../errors.js";
import { floorDiv, PER_SECOND, UNIT_NAMES, type UnitName } from "./temporal.js";

/**
 * Exact reads of Arrow values. Arrow's own `vector.get()` turns 64-bit timestamps into float
 * milliseconds and decimals into word arrays; these return bigints, decimal strings and day
 * counts instead, in the forms `batchFromRows` accepts, so that a value read is a value written.
 */

/** A timestamp exactly: units since the epoch, its unit, and the column's zone (null: wall clock). */
export interface ExactTimestamp {
  epoch: bigint;
  unit: UnitName;
  timezone: string | null;
}

/** The chunk of `vector` holding row `i`, and the row's index in it. */
function chunkOf(vector: Vector, i: number): [Data, number] {
  let row = i;
  for (const data of vector.data) {
    if (row < data.length) return [data as Data, row];
    row -= data.length;
  }
  throw new HyggeError("USAGE", `row ${i} is outside a column of ${vector.length} rows`, {
    hint: "read rows 0 to length - 1",
  });
}

function expect(vector: Vector, typeId: Type, what: string): void {
  if (vector.type.typeId !== typeId)
    throw new HyggeError("SCHEMA_MISMATCH", `a ${String(vector.type)} column is not ${what}`, {
      hint: "read it with valueAt(), which handles every type",
    });
}

/** Row `i` of a timestamp column, exactly (null for null). Never a `Date`: see `timestampToDate`. */
export function timestampAt(vector: Vector, i: number): ExactTimestamp | null {
  expect(vector, Type.Timestamp, "a timestamp");
  if (!vector.isValid(i)) return null;
  const [data, row] = chunkOf(vector, i);
  const type = vector.type as Timestamp;
  return {
    epoch: (data.values as BigInt64Array)[row]!,
    unit: UNIT_NAMES[type.unit],
    timezone: type.timezone ?? null,
  };
}

/** Row `i` of a date column as days since 1970-01-01 (date32 and date64 alike). */
export function dateAt(vector: Vector, i: number): number | null {
  expect(vector, Type.Date, "a date");
  if (!vector.isValid(i)) return null;
  const [data, row] = chunkOf(vector, i);
  const v = (data.values as Int32Array | BigInt64Array)[row]!;
  if (typeof v === "number") return v;
  if (v % 86_400_000n !== 0n)
    throw new HyggeError("SCHEMA_MISMATCH", `row ${i}: the date64 value ${v} is not a whole day`, {
      hint: "a date64 holds midnights; the writer of this data broke that rule: read it as a timestamp",
    });
  return Number(v / 86_400_000n);
}

/** Row `i` of a time column as units since midnight (its unit: `UNIT_NAMES[type.unit]`). */
export function timeAt(vector: Vector, i: number): bigint | null {
  expect(vector, Type.Time, "a time");
  if (!vector.isValid(i)) return null;
  const [data, row] = chunkOf(vector, i);
  return BigInt((data.values as Int32Array | BigInt64Array)[row]!);
}

/** Row `i` of a decimal column as its exact text ("-12.30" for decimal(p, 2)). */
export function decimalAt(vector: Vector, i: number): string | null {
  expect(vector, Type.Decimal, "a decimal");
  if (!vector.isValid(i)) return null;
  return formatDecimal(cellAt(vector, i) as bigint, (vector.type as Decimal).scale);
}

/**
 * An exact timestamp as a JS Date, only when the Date holds it: a value with parts finer than a
 * millisecond, or outside ±8.64e15 ms, is refused rather than rounded.
 */
export function timestampToDate(ts: ExactTimestamp): Date {
  const unit = UNIT_NAMES.indexOf(ts.unit);
  const per = PER_SECOND[unit]!;
  const ms = unit <= 1 ? ts.epoch * (1000n / per) : floorDiv(ts.epoch, per / 1000n);
  if (unit > 1 && ms * (per / 1000n) !== ts.epoch)
    throw new HyggeError("USAGE", `${ts.epoch} ${ts.unit} has parts finer than a millisecond`, {
      hint: "a JS Date cannot hold them: keep the bigint epoch, or format it with formatIsoTimestamp()",
    });
  if (ms > 8_640_000_000_000_000n || ms < -8_640_000_000_000_000n)
    throw new HyggeError("USAGE", `${ts.epoch} ${ts.unit} is outside the range of a JS Date`, {
      hint: "keep the bigint epoch, or format it with formatIsoTimestamp()",
    });
  return new Date(Number(ms));
}

/**
 * Row `i` of any column, exactly, as `batchFromRows` takes it back: 64-bit integers, times and
 * timestamps as bigint (units of the column), decimals as strings, dates as days, binary and
 * uuid as bytes, json as its text, lists as arrays and structs as objects.
 */
export function valueAt(vector: Vector, i: number): unknown {
  if (!vector.isValid(i)) return null;
  const type = vector.type as DataType;
  switch (type.typeId) {
    case Type.Decimal:
      return decimalAt(vector, i);
    case Type.Date:
      return dateAt(vector, i);
    case Type.Time:
      return timeAt(vector, i);
    case Type.List: {
      const child = vector.get(i) as Vector;
      return Array.from({ length: child.length }, (_, j) => valueAt(child, j));
    }
    case Type.Struct: {
      const out: Record<string, unknown> = {};
      type.children.forEach((f, k) => {
        out[f.name] = valueAt(vector.getChildAt(k)!, i);
      });
      return out;
    }
    default:
      return cellAt(vector, i);
  }
}

/** Every row of a batch as an object of exact values (for tests, checks and small batches). */
export function batchToRows(batch: RecordBatch): Record<string, unknown>[] {
  const columns = batch.schema.fields.map((f, c) => [f.name, batch.getChildAt(c)!] as const);
  return Array.from({ length: batch.numRows }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const [name, vector] of columns) row[name] = valueAt(vector, i);
    return row;
  });
}

/** True when `cellAt` reads every value of the type (and build-data.ts writes it back). */
export function canRebuild(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Float:
      return (type as Float).precision !== Precision.HALF;
    case Type.Bool:
    case Type.Int:
    case Type.Decimal:
    case Type.Utf8:
    case Type.Binary:
    case Type.FixedSizeBinary:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
      return true;
    case Type.List:
    case Type.Struct:
      return type.children.every((f) => canRebuild(f.type));
    default:
      return false;
  }
}

/** Row `i` as the builder's cell (build-data.ts): unscaled bigint for decimals, arrays for lists and structs. */
export function cellAt(vector: Vector, i: number): unknown {
  if (!vector.isValid(i)) return null;
  const type = vector.type as DataType;
  switch (type.typeId) {
    case Type.Bool:
    case Type.Float:
    case Type.Utf8:
      return vector.get(i);
    case Type.Binary:
    case Type.FixedSizeBinary:
      return (vector.get(i) as Uint8Array).slice();
    case Type.Int:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp: {
      const [data, row] = chunkOf(vector, i);
      return (data.values as Int32Array | BigInt64Array)[row];
    }
    case Type.Decimal: {
      const [data, row] = chunkOf(vector, i);
      const words = (type as Decimal).bitWidth / 32;
      return wordsToBigInt(data.values as Uint32Array, row * words, words);
    }
    case Type.List: {
      const child = vector.get(i) as Vector;
      return Array.from({ length: child.length }, (_, j) => cellAt(child, j));
    }
    case Type.Struct:
      return type.children.map((_f, k) => cellAt(vector.getChildAt(k)!, i));
    default:
      throw new HyggeError("SCHEMA_MISMATCH", `columns of type ${String(type)} have no exact reader here`, {
        hint: "read them with Arrow's own vector.get(), or cast them to a supported type first",
      });
  }
}
