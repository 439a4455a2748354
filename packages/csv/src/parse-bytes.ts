import { FRACTION_DIGITS, PER_SECOND, validDays } from "./calendar.js";

/**
 * Fast paths over a value's UTF-8 bytes, for the common shapes only: each returns undefined for
 * anything else, and the text parsers (parse-values.ts) then decide, and word the errors. So a
 * fast path never accepts a value the text path would refuse, nor reads it differently.
 */

/** Two ASCII digits at i as a number, or -1. */
function two(b: Uint8Array, i: number): number {
  const hi = b[i]! - 0x30;
  const lo = b[i + 1]! - 0x30;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : -1;
}

/**
 * The unscaled value of a decimal with at most 15 digits and at most `scale` decimals (scale 0:
 * an integer), exact as a double, or undefined.
 */
export function bytesDecimal(b: Uint8Array, start: number, end: number, scale: number): number | undefined {
  let i = start;
  const sign = b[i];
  if (sign === 0x2d || sign === 0x2b) i++;
  let value = 0;
  let digits = 0;
  for (; i < end; i++, digits++) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
  }
  let decimals = 0;
  if (i < end) {
    if (b[i] !== 0x2e || scale === 0) return undefined;
    for (i++; i < end; i++, decimals++) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) return undefined;
      value = value * 10 + d;
    }
    if (digits === 0 && decimals === 0) return undefined;
  } else if (digits === 0) return undefined;
  if (decimals > scale || digits + scale > 15) return undefined;
  for (; decimals < scale; decimals++) value *= 10;
  return sign === 0x2d ? -value : value;
}

/** `YYYY-MM-DD` as days since the epoch, or undefined. */
export function bytesDate(b: Uint8Array, start: number, end: number): number | undefined {
  if (end - start !== 10) return undefined;
  return dateAt(b, start);
}

function dateAt(b: Uint8Array, i: number): number | undefined {
  if (b[i + 4] !== 0x2d || b[i + 7] !== 0x2d) return undefined;
  const century = two(b, i);
  const year = two(b, i + 2);
  const month = two(b, i + 5);
  const day = two(b, i + 8);
  if (century < 0 || year < 0 || month < 0 || day < 0) return undefined;
  return validDays(century * 100 + year, month, day);
}

/**
 * `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:MM]]` in `unit`s since the epoch, or undefined. `zoned`:
 * the column holds instants (an offset applies; without one, the text is UTC only when `utc`).
 */
export function bytesTimestamp(
  b: Uint8Array,
  start: number,
  end: number,
  unit: number,
  zoned: boolean,
  utc: boolean,
): bigint | undefined {
  if (end - start < 19) return undefined;
  const days = dateAt(b, start);
  const separator = b[start + 10];
  if (days === undefined || (separator !== 0x54 && separator !== 0x20)) return undefined;
  if (b[start + 13] !== 0x3a || b[start + 16] !== 0x3a) return undefined;
  const h = two(b, start + 11);
  const mi = two(b, start + 14);
  const s = two(b, start + 17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return undefined;
  let i = start + 19;
  let fraction = 0;
  if (i < end && b[i] === 0x2e) {
    const width = FRACTION_DIGITS[unit]!;
    let digits = 0;
    for (i++; i < end; i++, digits++) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) break;
      if (digits < width) fraction = fraction * 10 + d;
      else if (d !== 0) return undefined; // finer than the unit: the text path refuses it
    }
    if (digits === 0) return undefined;
    for (; digits < width; digits++) fraction *= 10;
  }
  let offset = 0;
  if (i === end) {
    if (zoned && !utc) return undefined;
  } else {
    if (!zoned) return undefined;
    const sign = b[i];
    if (sign === 0x5a && i + 1 === end) offset = 0;
    else if (sign === 0x2b || sign === 0x2d) {
      const oh = two(b, i + 1);
      let om = 0;
      if (i + 3 === end) om = 0;
      else if (i + 6 === end && b[i + 3] === 0x3a) om = two(b, i + 4);
      else if (i + 5 === end) om = two(b, i + 3);
      else return undefined;
      if (oh < 0 || om < 0) return undefined;
      offset = (sign === 0x2d ? -1 : 1) * (oh * 60 + om) * 60;
    } else return undefined;
  }
  const seconds = days * 86_400 + h * 3600 + mi * 60 + s - offset;
  const value = seconds * Number(PER_SECOND[unit]) + fraction;
  return Number.isSafeInteger(value) ? BigInt(value) : BigInt(seconds) * PER_SECOND[unit]! + BigInt(fraction);
}
