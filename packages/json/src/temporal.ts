import { civilFromDays, daysFromCivil } from "@hygge/core";

/**
 * Dates, times and timestamps as ISO 8601 text ↔ integers in Arrow's units, exactly (BigInt; no
 * `Date`, whose milliseconds would drop micro- and nanoseconds and whose range is narrower).
 */

/** Units per second for Arrow's TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND). */
export const PER_SECOND = [1n, 1_000n, 1_000_000n, 1_000_000_000n] as const;
const DIGITS = [0, 3, 6, 9] as const;

const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const TIMESTAMP =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const [yy, mm] = civilFromDays(daysFromCivil(y, m, d));
  return yy === y && mm === m;
}

/** "2024-02-29" → days since the epoch; undefined when not a valid date. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? daysFromCivil(y, mo, d) : undefined;
}

/** Fractional-second digits → units, or undefined when digits beyond the unit are not zero. */
function fraction(frac: string | undefined, unit: number): bigint | undefined {
  if (!frac) return 0n;
  const keep = DIGITS[unit]!;
  if (/[1-9]/.test(frac.slice(keep))) return undefined;
  return keep === 0 ? 0n : BigInt(frac.slice(0, keep).padEnd(keep, "0"));
}

/** "12:34:56.789" → units since midnight. */
export function parseTime(text: string, unit: number): bigint | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const f = fraction(m[4], unit);
  return f === undefined ? undefined : BigInt(h * 3600 + mi * 60 + s) * PER_SECOND[unit]! + f;
}

export type TimestampParse =
  | { ok: true; value: bigint; zoned: boolean }
  | { ok: false; reason: "format" | "precision" };

/** "2024-01-01T12:00:00.123456+02:00" → units since the epoch (UTC when an offset is given). */
export function parseTimestamp(text: string, unit: number): TimestampParse {
  const m = TIMESTAMP.exec(text);
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
  const seconds = BigInt(daysFromCivil(y, mo, d)) * 86400n + BigInt(h * 3600 + mi * 60 + s - offset * 60);
  return { ok: true, value: seconds * PER_SECOND[unit]! + f, zoned: zone !== undefined };
}

const pad = (n: number | bigint, w = 2) => String(n).padStart(w, "0");

function yearText(y: number): string {
  return y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
}

export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${yearText(y)}-${pad(m)}-${pad(d)}`;
}

/** Units → "HH:MM:SS[.fff…]" (the fraction at the unit's precision, omitted when zero). */
export function formatTime(value: bigint, unit: number): string {
  const per = PER_SECOND[unit]!;
  const secs = Number(value / per);
  const frac = value % per;
  const base = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}`;
  return frac === 0n ? base : `${base}.${pad(frac, DIGITS[unit]!)}`;
}

/** Units since the epoch → "YYYY-MM-DDTHH:MM:SS[.fff…]" plus "Z" when `zoned`. */
export function formatTimestamp(value: bigint, unit: number, zoned: boolean): string {
  const per = PER_SECOND[unit]! * 86400n;
  let days = value / per;
  let rest = value % per;
  if (rest < 0n) {
    rest += per;
    days -= 1n;
  }
  return `${formatDate(Number(days))}T${formatTime(rest, unit)}${zoned ? "Z" : ""}`;
}
