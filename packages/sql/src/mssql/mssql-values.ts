import { formatDecimal, HyggeError, wordsToBigInt } from "@hygge/core";
import { type Data, type DataType, Type } from "apache-arrow";
import { formatTimestamp, type TimeUnit, UNIT_PER_SECOND } from "../arrow/temporal.js";

/**
 * Exact Arrow cell → JS value conversions for tedious, and the refusals of values SQL Server
 * cannot hold. Each reads the raw Arrow buffers (never `Vector.get`, which turns 64-bit times
 * into float milliseconds and decodes invalid UTF-8 to U+FFFD without a word).
 */

/** Where a value is going, for refusals: `column "amount" of [dbo].[orders]`. */
export interface CellContext {
  column: string;
  table: string;
}

/** The error for a value hygge will not change on its way to SQL Server. */
export function refuse(ctx: CellContext, value: string, reason: string, hint: string): HyggeError {
  return new HyggeError(
    "STORE_WRITE_FAILED",
    `column "${ctx.column}" of ${ctx.table} holds ${value}, which ${reason}`,
    { subject: ctx.column, hint },
  );
}

/**
 * A `Date` whose local-time getters are the UTC ones. tedious reads the calendar fields of a
 * `Date` in local time where it is not told `useUTC` (the year range check of bulk rows, and the
 * offset of every datetimeoffset is `-getTimezoneOffset()`): with this class neither depends on
 * the machine's TZ, and datetimeoffset values are sent with offset +00:00.
 */
export class UtcDate extends Date {
  /** Sub-millisecond part in seconds, read by tedious' `writeTimeOfDay` (× 10^scale). */
  nanosecondDelta?: number;
  override getFullYear() {
    return this.getUTCFullYear();
  }
  override getMonth() {
    return this.getUTCMonth();
  }
  override getDate() {
    return this.getUTCDate();
  }
  override getHours() {
    return this.getUTCHours();
  }
  override getMinutes() {
    return this.getUTCMinutes();
  }
  override getSeconds() {
    return this.getUTCSeconds();
  }
  override getMilliseconds() {
    return this.getUTCMilliseconds();
  }
  override getTimezoneOffset() {
    return 0;
  }
}

const floorDiv = (a: bigint, b: bigint) => a / b - (a % b < 0n ? 1n : 0n);

/** An epoch count in `unit` as a UtcDate plus `nanosecondDelta` (exact for 100 ns multiples). */
export function epochToDate(value: bigint, unit: TimeUnit): UtcDate {
  const perMs = UNIT_PER_SECOND[unit] / 1000n; // 0 for seconds
  const ms = perMs === 0n ? value * 1000n : floorDiv(value, perMs);
  const date = new UtcDate(Number(ms));
  const rest = perMs === 0n ? 0n : value - ms * perMs; // 0 ≤ rest < perMs, in `unit`
  if (rest !== 0n) date.nanosecondDelta = Number(rest) / Number(UNIT_PER_SECOND[unit]);
  return date;
}

// datetime2 / datetimeoffset / date: 0001-01-01 to 9999-12-31 (epoch seconds).
const MIN_SECONDS = -62135596800n;
const END_SECONDS = 253402300800n;
const NS_TICK = 100n; // SQL Server's finest fraction: 7 digits

/** datetime2/datetimeoffset value of a Timestamp cell, or a refusal (range, sub-100 ns digits). */
export function timestampCell(value: bigint, unit: TimeUnit, ctx: CellContext): UtcDate {
  const per = UNIT_PER_SECOND[unit];
  const text = () => `${value} (${unit} since 1970, ${safeFormat(value, unit)})`;
  if (value < MIN_SECONDS * per || value >= END_SECONDS * per) {
    throw refuse(
      ctx,
      text(),
      "is outside SQL Server's datetime2 range (years 0001 to 9999)",
      "Filter or clamp such timestamps before loading.",
    );
  }
  if (unit === "ns" && value % NS_TICK !== 0n) {
    throw refuse(
      ctx,
      text(),
      "has nanoseconds below SQL Server's 100 ns precision (datetime2(7))",
      "Round or truncate the column to 100 ns (or microseconds) before loading.",
    );
  }
  return epochToDate(value, unit);
}

function safeFormat(value: bigint, unit: TimeUnit): string {
  try {
    return formatTimestamp(value, unit, 9, false);
  } catch {
    return "out of range";
  }
}

const DAY_MS = 86_400_000;
const MIN_DAY = -719162; // 0001-01-01
const MAX_DAY = 2932896; // 9999-12-31

/** date value of a Date32 (days) or Date64 (ms) cell; a Date64 with a time of day is refused. */
export function dateCell(value: number, unitIsDay: boolean, ctx: CellContext): UtcDate {
  const days = unitIsDay ? value : Math.floor(value / DAY_MS);
  if (!unitIsDay && value % DAY_MS !== 0) {
    throw refuse(
      ctx,
      `${value} (ms since 1970)`,
      "has a time of day that a SQL Server date cannot hold",
      "Load the column as a timestamp, or truncate it to whole days first.",
    );
  }
  if (days < MIN_DAY || days > MAX_DAY) {
    throw refuse(
      ctx,
      `${unitIsDay ? `${value} days` : `${value} ms`} since 1970`,
      "is outside SQL Server's date range (years 0001 to 9999)",
      "Filter such dates before loading.",
    );
  }
  return new UtcDate(days * DAY_MS);
}

/** time(p) value of a Time cell (a count of `unit` since midnight). */
export function timeCell(value: bigint, unit: TimeUnit, ctx: CellContext): UtcDate {
  const per = UNIT_PER_SECOND[unit];
  if (value < 0n || value >= 86_400n * per) {
    throw refuse(
      ctx,
      `${value} ${unit}`,
      "is not a time of day (SQL Server time holds 00:00:00 to 23:59:59.9999999)",
      "Load the column as an integer or interval text instead.",
    );
  }
  if (unit === "ns" && value % NS_TICK !== 0n) {
    throw refuse(
      ctx,
      `${value} ns since midnight`,
      "has nanoseconds below SQL Server's 100 ns precision (time(7))",
      "Round or truncate the column to 100 ns before loading.",
    );
  }
  return epochToDate(value, unit);
}

/** float/real: SQL Server has no NaN or infinities (tedious would fail the row without a column name). */
export function floatCell(value: number, ctx: CellContext): number {
  if (!Number.isFinite(value)) {
    throw refuse(
      ctx,
      String(value),
      "SQL Server's float and real cannot hold",
      "Replace NaN and infinities (e.g. by null) before loading.",
    );
  }
  return value;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The string at `i` of a Utf8/LargeUtf8 data, decoded strictly: invalid UTF-8 is refused, never replaced. */
export function utf8Cell(data: Data, i: number, ctx: CellContext): string {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const start = Number(offsets[i]);
  const end = Number(offsets[i + 1]);
  const bytes = (data.values as Uint8Array).subarray(start, end);
  try {
    return utf8.decode(bytes);
  } catch {
    throw refuse(
      ctx,
      `bytes ${Buffer.from(bytes.subarray(0, 32)).toString("hex")}${bytes.length > 32 ? "…" : ""}`,
      "are not valid UTF-8 (a lone surrogate or a broken sequence would reach SQL Server as U+FFFD)",
      "Fix the encoding at the source, or load the column as binary.",
    );
  }
}

/**
 * Nested values are written as JSON text built from Arrow's own string decoding, which replaces
 * invalid UTF-8 by U+FFFD: every string buffer below `data` is checked once per batch instead.
 */
export function assertNestedUtf8(data: Data, ctx: CellContext): void {
  for (const child of data.children ?? []) {
    const id = child.type.typeId;
    if ((id === Type.Utf8 || id === Type.LargeUtf8) && child.length > 0) {
      const offsets = child.valueOffsets as Int32Array | BigInt64Array;
      const bytes = (child.values as Uint8Array).subarray(Number(offsets[0]), Number(offsets[child.length]));
      try {
        utf8.decode(bytes);
      } catch {
        throw refuse(
          ctx,
          "a nested string that is not valid UTF-8",
          "would reach SQL Server with U+FFFD in place of the broken bytes",
          "Fix the encoding at the source, or leave the column out.",
        );
      }
    }
    assertNestedUtf8(child, ctx);
  }
}

/** The bytes at `i` of a Binary/LargeBinary/FixedSizeBinary data, as a Buffer view (no copy). */
export function binaryCell(data: Data, i: number, width?: number): Buffer {
  const values = data.values as Uint8Array;
  let start: number;
  let end: number;
  if (width !== undefined) {
    start = i * width;
    end = start + width;
  } else {
    const offsets = data.valueOffsets as Int32Array | BigInt64Array;
    start = Number(offsets[i]);
    end = Number(offsets[i + 1]);
  }
  return Buffer.from(values.buffer, values.byteOffset + start, end - start);
}

/**
 * The unscaled value of a Decimal cell (two's complement words, any bit width). Arrow does not
 * enforce the precision: a value with more digits than decimal(p,s) holds is refused here.
 */
export function decimalCell(data: Data, i: number, ctx: CellContext): bigint {
  const t = data.type as DataType & { bitWidth: number; precision: number; scale: number };
  const words = t.bitWidth / 32;
  const value = wordsToBigInt(data.values as Uint32Array, i * words, words);
  if ((value < 0n ? -value : value) >= 10n ** BigInt(t.precision)) {
    throw refuse(
      ctx,
      formatDecimal(value, t.scale),
      `has more than the ${t.precision} digits of its Arrow type, so decimal(${t.precision},${t.scale}) cannot hold it`,
      "Fix the column's declared precision at the source (the Arrow type understates it).",
    );
  }
  return value;
}

/** A read converter that refuses strings Arrow's UTF-8 cannot hold (lone surrogates). */
export function wellFormed(column: string): (value: unknown) => string {
  return (value) => {
    const text = String(value);
    if ((text as string & { isWellFormed(): boolean }).isWellFormed()) return text;
    const at = text.search(/[\uD800-\uDFFF]/u);
    throw new HyggeError(
      "HOME_READ_FAILED",
      `column "${column}" holds a string with a lone UTF-16 surrogate (U+${text.charCodeAt(at).toString(16).toUpperCase()} at position ${at}), which UTF-8 (Arrow) cannot hold`,
      {
        subject: column,
        hint: "Repair the value in SQL Server, or read the column as binary: CAST(col AS varbinary(max)) in a query.",
      },
    );
  };
}
