import type { Lookback, Watermark } from "../contracts/watermark.js";
import { HyggeError } from "../errors.js";

const NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};
const UNIT_NAMES: Record<string, string> = {
  ns: "ns",
  nanosecond: "ns",
  nanoseconds: "ns",
  us: "us",
  µs: "us",
  microsecond: "us",
  microseconds: "us",
  ms: "ms",
  millisecond: "ms",
  milliseconds: "ms",
  s: "s",
  sec: "s",
  secs: "s",
  second: "s",
  seconds: "s",
  m: "m",
  min: "m",
  mins: "m",
  minute: "m",
  minutes: "m",
  h: "h",
  hr: "h",
  hrs: "h",
  hour: "h",
  hours: "h",
  d: "d",
  day: "d",
  days: "d",
  w: "w",
  week: "w",
  weeks: "w",
};

/** `amount` (decimal text) × `unit` in nanoseconds, exactly, or undefined below a nanosecond. */
function toNs(amount: string, unit: bigint): bigint | undefined {
  const [whole, frac = ""] = amount.split(".");
  const scale = 10n ** BigInt(frac.length);
  const total = BigInt(whole! + frac) * unit;
  return total % scale === 0n ? total / scale : undefined;
}

const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const PART = /(\d+(?:\.\d+)?)\s*([a-zµ]+)\s*/giy;

/**
 * A duration in nanoseconds: ISO 8601 without years and months ("PT6H", "P3D", "P1DT12H") or
 * amounts with units ("3 days", "90 minutes", "1h 30m", "500ms"). Undefined when not a duration
 * (months and years are refused: their length varies).
 */
export function parseDuration(text: string): bigint | undefined {
  const s = text.trim();
  const iso = ISO.exec(s);
  if (iso && s.length > 1 && !/T$/i.test(s)) {
    let total = 0n;
    for (const [i, unit] of (["w", "d", "h", "m", "s"] as const).entries()) {
      const amount = iso[i + 1];
      if (amount === undefined) continue;
      const ns = toNs(amount, NS[unit]!);
      if (ns === undefined) return undefined;
      total += ns;
    }
    return total;
  }
  let total = 0n;
  let matched = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    const unit = UNIT_NAMES[m[2]!.toLowerCase()];
    if (!unit) return undefined;
    const ns = toNs(m[1]!, NS[unit]!);
    if (ns === undefined) return undefined;
    total += ns;
    matched = PART.lastIndex;
  }
  return matched > 0 && matched === s.length ? total : undefined;
}

/** Nanoseconds of one step of a timestamp/date watermark's value. */
function stepNs(watermark: Pick<Watermark, "kind" | "unit">): bigint {
  if (watermark.kind === "date") return watermark.unit === "ms" ? NS.ms! : NS.d!;
  return NS[watermark.unit ?? "us"]!;
}

function refuse(column: string, lookback: Lookback, kind: string, hint: string): HyggeError {
  return new HyggeError(
    "CONFIG_INVALID",
    `watermark.lookback ${JSON.stringify(lookback)} does not apply to the ${kind} watermark column "${column}"`,
    { hint },
  );
}

/**
 * The lookback in steps of the watermark's value (epoch units, days, or the number itself),
 * rounded up to the column's resolution: re-reading a little more never loses a row.
 */
export function lookbackSteps(lookback: Lookback, watermark: Pick<Watermark, "column" | "kind" | "unit">) {
  const { column, kind } = watermark;
  if (kind === "string") {
    throw refuse(
      column,
      lookback,
      kind,
      "A string watermark has no distance to look back by: remove lookback.",
    );
  }
  if (kind === "integer" || kind === "float") {
    const n = typeof lookback === "number" ? lookback : Number(lookback.trim() || Number.NaN);
    if (!Number.isFinite(n) || n < 0 || (kind === "integer" && !Number.isSafeInteger(n))) {
      throw refuse(
        column,
        lookback,
        kind,
        `A ${kind} watermark takes a non-negative ${kind === "integer" ? "whole " : ""}number: lookback: 1000 re-reads from the watermark minus 1000.`,
      );
    }
    return kind === "integer" ? BigInt(n) : n;
  }
  const ns = typeof lookback === "string" ? parseDuration(lookback) : undefined;
  if (ns === undefined) {
    throw refuse(
      column,
      lookback,
      kind,
      `A ${kind} watermark takes a duration, such as "3 days", "6 hours" or "PT6H" (no months or years).`,
    );
  }
  const step = stepNs(watermark);
  return (ns + step - 1n) / step;
}

/**
 * What the home is asked for: the committed watermark moved back by `lookback` (the home returns
 * rows `>= value`). Without a lookback, or before the first commit, the committed watermark itself.
 */
export function lookbackSince(
  lookback: Lookback | undefined,
  since: Watermark | undefined,
): Watermark | undefined {
  if (lookback === undefined || !since) return since;
  const steps = lookbackSteps(lookback, since);
  const value =
    typeof steps === "number" ? String(Number(since.value) - steps) : String(BigInt(since.value) - steps);
  return {
    column: since.column,
    kind: since.kind,
    value,
    ...(since.unit ? { unit: since.unit } : {}),
    ...(since.timezone !== undefined ? { timezone: since.timezone } : {}),
  };
}
