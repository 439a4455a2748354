import { civilFromDays, daysFromCivil } from "@hygge/core";

/** Exact calendar arithmetic for dates and timestamps (proleptic Gregorian, astronomical years). */

export type TimeUnit = "s" | "ms" | "us" | "ns";
export const UNIT_PER_SECOND: Record<TimeUnit, bigint> = {
  s: 1n,
  ms: 1000n,
  us: 1_000_000n,
  ns: 1_000_000_000n,
};
const UNIT_DIGITS: Record<TimeUnit, number> = { s: 0, ms: 3, us: 6, ns: 9 };

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** "2024-01-31" (years ≤ 0 as "0001-01-01 BC" when `bc` is true, the PostgreSQL spelling). */
export function formatDate(days: number, bc = true): string {
  const [y, m, d] = civilFromDays(days);
  if (y <= 0 && bc) return `${pad(1 - y, 4)}-${pad(m, 2)}-${pad(d, 2)} BC`;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/**
 * An epoch count in `unit` as "YYYY-MM-DD HH:MM:SS[.fraction]" with at most `maxDigits` fraction
 * digits; throws a RangeError when that would drop non-zero digits (exact or nothing).
 */
export function formatTimestamp(value: bigint, unit: TimeUnit, maxDigits = 6, bc = true): string {
  const per = UNIT_PER_SECOND[unit];
  let seconds = value / per;
  let frac = value % per;
  if (frac < 0n) {
    frac += per;
    seconds -= 1n;
  }
  const days = Number(seconds >= 0n ? seconds / 86400n : (seconds - 86399n) / 86400n);
  const rest = Number(seconds - BigInt(days) * 86400n);
  const date = formatDate(days, false);
  const [y] = civilFromDays(days);
  const time = `${pad(Math.floor(rest / 3600), 2)}:${pad(Math.floor(rest / 60) % 60, 2)}:${pad(rest % 60, 2)}`;
  let fraction = "";
  const digits = UNIT_DIGITS[unit];
  if (digits > 0 && frac !== 0n) {
    let text = frac.toString().padStart(digits, "0");
    if (digits > maxDigits) {
      if (/[1-9]/.test(text.slice(maxDigits))) {
        throw new RangeError(
          `timestamp ${value}${unit} has more precision than ${maxDigits} fraction digits`,
        );
      }
      text = text.slice(0, maxDigits);
    }
    fraction = `.${text}`;
  }
  if (y <= 0 && bc) return `${formatDate(days, true).slice(0, -3)} ${time}${fraction} BC`;
  return `${date} ${time}${fraction}`;
}

const TS =
  /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?|Z)?( BC)?$/;

/** Parses PostgreSQL/ISO timestamp text into an exact epoch count in `unit` (offset applied). */
export function parseTimestamp(text: string, unit: TimeUnit): bigint {
  const m = TS.exec(text);
  if (!m) throw new RangeError(`not a timestamp: ${text}`);
  let year = Number(m[1]);
  if (m[12]) year = 1 - year;
  const days = daysFromCivil(year, Number(m[2]), Number(m[3]));
  let seconds = days * 86400 + Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
  if (m[8]) {
    const offset = Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0);
    seconds += m[8] === "+" ? -offset : offset;
  }
  const digits = UNIT_DIGITS[unit];
  const fracText = m[7] ?? "";
  if (fracText.length > digits && /[1-9]/.test(fracText.slice(digits))) {
    throw new RangeError(`timestamp ${text} has more precision than unit ${unit}`);
  }
  const frac = digits === 0 ? 0n : BigInt(fracText.slice(0, digits).padEnd(digits, "0"));
  return BigInt(seconds) * UNIT_PER_SECOND[unit] + frac;
}

/** "YYYY-MM-DD[ BC]" → days since the epoch. */
export function parseDate(text: string): number {
  const m = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/.exec(text);
  if (!m) throw new RangeError(`not a date: ${text}`);
  const year = m[4] ? 1 - Number(m[1]) : Number(m[1]);
  return daysFromCivil(year, Number(m[2]), Number(m[3]));
}

/** "HH:MM:SS[.fraction]" → a count of `unit` since midnight (throws when digits would be lost). */
export function parseTime(text: string, unit: TimeUnit = "us"): bigint {
  const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new RangeError(`not a time: ${text}`);
  const digits = UNIT_DIGITS[unit];
  const frac = m[4] ?? "";
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits)))
    throw new RangeError(`time ${text} is finer than ${unit}`);
  const s = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return (
    BigInt(s) * UNIT_PER_SECOND[unit] +
    (digits === 0 ? 0n : BigInt(frac.slice(0, digits).padEnd(digits, "0")))
  );
}

export const parseTimeMicros = (text: string): bigint => parseTime(text, "us");

export function formatTimeMicros(micros: bigint): string {
  const s = Number(micros / 1_000_000n);
  const frac = micros % 1_000_000n;
  const base = `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
  return frac === 0n ? base : `${base}.${frac.toString().padStart(6, "0")}`;
}
