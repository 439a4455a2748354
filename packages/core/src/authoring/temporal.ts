import { civilFromDays, daysFromCivil } from "../arrow/calendar.js";

/**
 * Dates, times and timestamps as ISO 8601 text ↔ integers in Arrow's units, exactly: BigInt, never
 * `Date` (whose milliseconds drop micro- and nanoseconds and whose range is narrower).
 */

/** Arrow's TimeUnit order: SECOND, MILLISECOND, MICROSECOND, NANOSECOND. */
export const UNIT_NAMES = ["s", "ms", "us", "ns"] as const;
export type UnitName = (typeof UNIT_NAMES)[number];
/** Units per second, by TimeUnit. */
export const PER_SECOND = [1n, 1_000n, 1_000_000n, 1_000_000_000n] as const;
const DIGITS = [0, 3, 6, 9] as const;
const DAY_SECONDS = 86_400n;

const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const TIMESTAMP =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const [yy, mm] = civilFromDays(daysFromCivil(y, m, d));
  return yy === y && mm === m;
}

/** "2024-02-29" → days since 1970-01-01; undefined when it is not a valid date. */
export function parseIsoDate(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? daysFromCivil(y, mo, d) : undefined;
}

/** Fraction digits → units; undefined when digits beyond the unit are not zero. */
function fraction(frac: string | undefined, unit: number): bigint | undefined {
  if (!frac) return 0n;
  const keep = DIGITS[unit]!;
  if (/[1-9]/.test(frac.slice(keep))) return undefined;
  return keep === 0 ? 0n : BigInt(frac.slice(0, keep).padEnd(keep, "0"));
}

export type TemporalParse<T> =
  | { ok: true; value: T; zoned: boolean }
  | { ok: false; reason: "format" | "precision" };

/** "12:34:56.789" → units since midnight. */
export function parseIsoTime(text: string, unit: number): TemporalParse<bigint> {
  const m = TIME.exec(text.trim());
  if (!m) return { ok: false, reason: "format" };
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return { ok: false, reason: "format" };
  const f = fraction(m[4], unit);
  if (f === undefined) return { ok: false, reason: "precision" };
  return { ok: true, value: BigInt(h * 3600 + mi * 60 + s) * PER_SECOND[unit]! + f, zoned: false };
}

/** "2024-01-01T12:00:00.123456+02:00" → units since the epoch (UTC when an offset is given). */
export function parseIsoTimestamp(text: string, unit: number): TemporalParse<bigint> {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return { ok: false, reason: "format" };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return { ok: false, reason: "format" };
  const f = fraction(m[7], unit);
  if (f === undefined) return { ok: false, reason: "precision" };
  let offset = 0;
  const zone = m[8];
  if (zone && zone !== "Z" && zone !== "z") {
    const digits = zone.slice(1).replace(":", "");
    offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * (zone[0] === "-" ? -1 : 1);
  }
  const seconds =
    BigInt(daysFromCivil(y, mo, d)) * DAY_SECONDS + BigInt(h * 3600 + mi * 60 + s - offset * 60);
  return { ok: true, value: seconds * PER_SECOND[unit]! + f, zoned: zone !== undefined };
}

const pad = (n: number | bigint, width = 2) => String(n).padStart(width, "0");

/** Days since 1970-01-01 → "YYYY-MM-DD" (years before 0 as "-0001"). */
export function formatIsoDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${y < 0 ? `-${pad(-y, 4)}` : pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** Units since midnight → "HH:MM:SS[.fraction]" (the fraction at the unit's precision, omitted when zero). */
export function formatIsoTime(value: bigint, unit: number): string {
  const per = PER_SECOND[unit]!;
  const secs = Number(value / per);
  const frac = value % per;
  const base = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}`;
  return frac === 0n ? base : `${base}.${pad(frac, DIGITS[unit]!)}`;
}

/**
 * Units since the epoch → "YYYY-MM-DDTHH:MM:SS[.fraction]", with "Z" when `instant` (a column
 * with a time zone holds instants: they are shown in UTC, exactly; the zone is for display).
 */
export function formatIsoTimestamp(value: bigint, unit: number, instant: boolean): string {
  const per = PER_SECOND[unit]! * DAY_SECONDS;
  let days = value / per;
  let rest = value % per;
  if (rest < 0n) {
    rest += per;
    days -= 1n;
  }
  return `${formatIsoDate(Number(days))}T${formatIsoTime(rest, unit)}${instant ? "Z" : ""}`;
}

/** Euclidean division (the floor for negative values too). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
