import { FRACTION_DIGITS, PER_SECOND, validDays } from "./calendar.js";

/** A value that does not parse as its column's type; the reader adds file, line and column. */
export class ValueError extends Error {}

const INTEGER = /^[+-]?\d+$/;
const DATE = /^(\d{4,})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;
const TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseBigInt(text: string, min: bigint, max: bigint, type: string): bigint {
  if (!INTEGER.test(text)) throw new ValueError(`"${text}" is not an integer`);
  const value = BigInt(text);
  if (value < min || value > max) throw new ValueError(`${text} is outside ${type}`);
  return value;
}

export function parseSmallInt(text: string, min: number, max: number, type: string): number {
  if (!INTEGER.test(text)) throw new ValueError(`"${text}" is not an integer`);
  const value = Number(text);
  if (value < min || value > max) throw new ValueError(`${text} is outside ${type}`);
  return value;
}

const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const SPECIAL: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  "+infinity": Number.POSITIVE_INFINITY,
  "-infinity": Number.NEGATIVE_INFINITY,
};

/** A declared float column: the nearest double, as every CSV reader does. */
export function parseFloatText(text: string): number {
  if (FLOAT.test(text)) return Number(text);
  const special = SPECIAL[text.toLowerCase()];
  if (special === undefined) throw new ValueError(`"${text}" is not a number`);
  return special;
}

const TRUE = new Set(["true", "t", "1", "yes", "y"]);
const FALSE = new Set(["false", "f", "0", "no", "n"]);

export function parseBool(text: string): boolean {
  const t = text.toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  throw new ValueError(`"${text}" is not a boolean (true or false)`);
}

export function parseDate(text: string): number {
  const m = DATE.exec(text);
  const days = m && validDays(Number(m[1]), Number(m[2]), Number(m[3]));
  if (days === undefined || days === null) throw new ValueError(`"${text}" is not a date (YYYY-MM-DD)`);
  return days;
}

/** A fraction of a second (its digits) in `unit`s: digits beyond the unit must be zeros. */
function fraction(digits: string | undefined, unit: number, text: string): bigint {
  if (!digits) return 0n;
  const width = FRACTION_DIGITS[unit]!;
  if (digits.length > width && /[1-9]/.test(digits.slice(width)))
    throw new ValueError(`"${text}" is more precise than the column's unit`);
  return width === 0 ? 0n : BigInt(digits.slice(0, width).padEnd(width, "0"));
}

function clock(h: number, mi: number, s: number, text: string): bigint {
  if (h > 23 || mi > 59 || s > 59) throw new ValueError(`"${text}" is not a valid time of day`);
  return BigInt(h * 3600 + mi * 60 + s);
}

export function parseTime(text: string, unit: number): bigint {
  const m = TIME.exec(text);
  if (!m) throw new ValueError(`"${text}" is not a time (HH:MM:SS[.ffffff])`);
  return (
    clock(Number(m[1]), Number(m[2]), Number(m[3]), text) * PER_SECOND[unit]! + fraction(m[4], unit, text)
  );
}

/** The shape of a timestamp's text, for inference: does it carry an offset, sub-µs digits? */
export function timestampShape(text: string): { zoned: boolean; nanos: boolean } | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m || m[4] === undefined) return undefined;
  return { zoned: m[8] !== undefined, nanos: (m[7]?.length ?? 0) > 6 && /[1-9]/.test(m[7]!.slice(6)) };
}

/**
 * A timestamp in `unit`s since the epoch. `zoned`: the column holds instants, so the text's offset
 * (Z, +02, +05:30) is applied; a text without one is taken as UTC only in a UTC column (elsewhere
 * the wall-clock time would need the zone's rules, and guessing is refused). Not zoned: a
 * wall-clock time, and an offset would be lost, so it is refused.
 */
export function parseTimestamp(text: string, unit: number, zone: string | null | undefined): bigint {
  const m = TIMESTAMP.exec(text);
  const days = m && validDays(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!m || days === undefined || days === null)
    throw new ValueError(`"${text}" is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][Z|±HH:MM])`);
  let seconds = BigInt(days) * 86_400n + clock(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), text);
  const offset = m[8];
  if (zone) {
    if (offset === undefined && !/^(utc|etc\/utc|z)$/i.test(zone))
      throw new ValueError(`"${text}" has no UTC offset, and the column's zone is ${zone}`);
    if (offset !== undefined && offset.toUpperCase() !== "Z") {
      const digits = offset.replace(":", "");
      const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0);
      seconds -= BigInt((offset[0] === "-" ? -1 : 1) * minutes * 60);
    }
  } else if (offset !== undefined) {
    throw new ValueError(`"${text}" has a UTC offset, and the column is a timestamp without zone`);
  }
  return seconds * PER_SECOND[unit]! + fraction(m[7], unit, text);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function parseBinary(text: string, encoding: "base64" | "hex"): Uint8Array {
  if (encoding === "hex") {
    if (!HEX.test(text)) throw new ValueError(`"${text}" is not hexadecimal`);
    return Buffer.from(text, "hex");
  }
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new ValueError(`"${text}" is not base64`);
  return Buffer.from(text, "base64");
}
