import { civilFromDays, daysFromCivil } from "@hygge/core";

/** Days since the epoch, or undefined when the date does not exist (2023-02-29). */
export function validDays(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const days = daysFromCivil(year, month, day);
  const [y, m, d] = civilFromDays(days);
  return y === year && m === month && d === day ? days : undefined;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** `YYYY-MM-DD`; years outside 1…9999 have no ISO 8601 form every reader takes: refused. */
export function formatDays(days: number): string {
  const [y, m, d] = civilFromDays(days);
  if (y < 1 || y > 9999) throw new RangeError(`the date is in year ${y}, outside 0001…9999`);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** Units per second of Arrow's time units (0 s, 1 ms, 2 us, 3 ns). */
export const PER_SECOND = [1n, 1_000n, 1_000_000n, 1_000_000_000n] as const;
export const FRACTION_DIGITS = [0, 3, 6, 9] as const;

/** `HH:MM:SS[.fraction]` of a time of day in `unit`s (the fraction only when not zero). */
export function formatTimeOfDay(value: bigint, unit: number): string {
  const perSecond = PER_SECOND[unit]!;
  const seconds = Number(value / perSecond);
  const fraction = value % perSecond;
  const hms = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  return fraction === 0n ? hms : `${hms}.${fraction.toString().padStart(FRACTION_DIGITS[unit]!, "0")}`;
}

/** A timestamp in `unit`s since the epoch as `YYYY-MM-DDTHH:MM:SS[.fraction]`. */
export function formatTimestamp(value: bigint, unit: number): string {
  const perDay = 86_400n * PER_SECOND[unit]!;
  let days = value / perDay;
  let rest = value % perDay;
  if (rest < 0n) {
    rest += perDay;
    days -= 1n;
  }
  return `${formatDays(Number(days))}T${formatTimeOfDay(rest, unit)}`;
}
