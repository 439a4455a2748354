import type { Watermark } from "@hygge/core";

const PER_SECOND = { s: 1n, ms: 1_000n, us: 1_000_000n, ns: 1_000_000_000n } as const;
const DIGITS = { s: 0, ms: 3, us: 6, ns: 9 } as const;
/** The range of a JavaScript Date, in seconds. */
const MAX_SECONDS = 8_640_000_000_000n;

/**
 * A watermark's value as people read it: timestamps and dates in ISO 8601 (exact to the column's
 * unit; `Z` only for instants, i.e. timestamps with a time zone), strings quoted, numbers as they are.
 * A value a calendar cannot show (out of range, not a number) is shown as stored, with its unit.
 */
export function watermarkValueText(w: Pick<Watermark, "kind" | "value" | "unit" | "timezone">): string {
  if (w.kind === "string") return JSON.stringify(w.value);
  if (w.kind !== "timestamp" && w.kind !== "date") return w.value;
  if (!/^-?\d+$/.test(w.value)) return w.value;
  const unit = w.kind === "date" ? (w.unit === "ms" ? "ms" : undefined) : (w.unit ?? "us");
  const raw = BigInt(w.value);
  // Dates without a unit count days since 1970-01-01.
  const [seconds, fraction] = unit ? floorDiv(raw, PER_SECOND[unit]) : [raw * 86_400n, 0n];
  if (seconds > MAX_SECONDS || seconds < -MAX_SECONDS)
    return `${w.value} (${unit ?? "days"} since 1970-01-01)`;
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  if (!/^\d{4}-/.test(iso)) return `${w.value} (${unit ?? "days"} since 1970-01-01)`;
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  if (w.kind === "date" && fraction === 0n && time === "00:00:00") return day;
  const digits = unit ? DIGITS[unit] : 0;
  const frac = fraction === 0n ? "" : `.${fraction.toString().padStart(digits, "0")}`;
  const zone = typeof w.timezone === "string" ? "Z" : "";
  return `${day}T${time}${frac}${zone}`;
}

/** `a / b` rounded towards minus infinity, and the (non-negative) remainder. */
function floorDiv(a: bigint, b: bigint): [bigint, bigint] {
  const q = a / b;
  const r = a % b;
  return r < 0n ? [q - 1n, r + b] : [q, r];
}
