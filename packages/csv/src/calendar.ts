/**
 * Proleptic Gregorian dates ↔ days since 1970-01-01 (Howard Hinnant's algorithms): exact for every
 * year, unlike `Date`, whose range and parsing rules are narrower than Arrow's.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

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
