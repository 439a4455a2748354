import type { Time, Timestamp } from "apache-arrow";
import { refuse, type ToCell } from "./cell-refused.js";
import { PER_SECOND, parseIsoDate, parseIsoTime, parseIsoTimestamp, UNIT_NAMES } from "./temporal.js";

/** Converters of JavaScript values to date, time and timestamp cells (see cells.ts), exact or refused. */

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const I32_MAX = 2 ** 31 - 1;

/** An epoch that overflows 64 bits (year 2262 and later at ns) is refused, not wrapped. */
function inRange(t: bigint, unit: string): bigint {
  if (t < I64_MIN || t > I64_MAX)
    refuse(
      `within a 64-bit count of ${unit}`,
      "declare a coarser unit (timestamp[us…]) for dates this far out",
    );
  return t;
}

export function date(days: boolean): ToCell {
  return (v) => {
    let d: number | undefined;
    if (typeof v === "number" && Number.isSafeInteger(v)) d = v;
    else if (typeof v === "string") d = parseIsoDate(v);
    else if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) refuse("a valid Date", "check the source value");
      if (ms % 86_400_000 !== 0)
        refuse("a date: the Date is not at midnight UTC", 'pass "YYYY-MM-DD", or days since 1970-01-01');
      d = ms / 86_400_000;
    }
    if (d === undefined)
      return refuse("a date", 'pass "YYYY-MM-DD", days since 1970-01-01, or a Date at midnight UTC');
    if (d > I32_MAX || d < -I32_MAX - 1) refuse("a date within ±5.8 million years", "check the source value");
    return days ? d : BigInt(d) * 86_400_000n;
  };
}

export function time(type: Time): ToCell {
  const unit = UNIT_NAMES[type.unit];
  return (v) => {
    let t: bigint;
    if (typeof v === "bigint") t = v;
    else if (typeof v === "string") {
      const p = parseIsoTime(v, type.unit);
      if (!p.ok)
        return p.reason === "precision"
          ? refuse(`a time at ${unit} precision`, "declare a finer unit (time[ns])")
          : refuse("a time", `pass "HH:MM:SS[.fraction]" or a bigint of ${unit} since midnight`);
      t = p.value;
    } else return refuse("a time", `pass "HH:MM:SS[.fraction]" or a bigint of ${unit} since midnight`);
    if (t < 0n || t >= 86_400n * PER_SECOND[type.unit]!) refuse("a time of day", "times are within one day");
    return type.bitWidth === 64 ? t : Number(t);
  };
}

export function timestamp(type: Timestamp): ToCell {
  const unit = UNIT_NAMES[type.unit];
  const instant = Boolean(type.timezone);
  const fix = instant ? `timestamp[${unit}]` : `timestamp[${unit}, UTC]`;
  return (v) => {
    if (typeof v === "bigint") return inRange(v, unit);
    if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) refuse("a valid Date", "check the source value");
      if (!instant)
        refuse(
          "a wall-clock time: a Date is an instant",
          `pass an ISO string without offset ("2024-01-01T12:00:00"), or declare ${fix}`,
        );
      const big = BigInt(ms);
      if (type.unit === 0 && big % 1000n !== 0n)
        refuse(
          "a timestamp in whole seconds: the Date has milliseconds",
          "declare timestamp[ms, …] or finer",
        );
      return inRange(type.unit === 0 ? big / 1000n : (big * PER_SECOND[type.unit]!) / 1000n, unit);
    }
    if (typeof v === "string") {
      const p = parseIsoTimestamp(v, type.unit);
      if (!p.ok)
        return p.reason === "precision"
          ? refuse(
              `a timestamp at ${unit} precision: it has finer digits`,
              "declare a finer unit (timestamp[ns…])",
            )
          : refuse("an ISO 8601 timestamp", 'pass "2024-01-01T12:00:00.123456Z", a Date, or a bigint epoch');
      if (instant && !p.zoned)
        refuse("an instant: it has no offset", `add an offset (Z, +02:00), or declare ${fix} (no zone)`);
      if (!instant && p.zoned)
        refuse("a wall-clock time: it has an offset", `drop the offset, or declare ${fix}`);
      return inRange(p.value, unit);
    }
    if (typeof v === "number")
      refuse(
        `a timestamp: a number's unit is ambiguous`,
        `pass a bigint of ${unit} since the epoch (BigInt(n)), a Date, or an ISO string`,
      );
    return refuse("a timestamp", "pass a bigint epoch in the column's unit, a Date, or an ISO string");
  };
}
