import { type DataType, Type, type Vector } from "apache-arrow";
import type { Watermark, WatermarkKind } from "../contracts/watermark.js";
import { HyggeError } from "../errors.js";

export type Ordered = bigint | number | string;
const UNITS = ["s", "ms", "us", "ns"] as const;

/** The watermark kind of an Arrow type, or a CONFIG_INVALID error if values of it cannot be ordered. */
export function watermarkKind(
  type: DataType,
  column: string,
): { kind: WatermarkKind; unit?: Watermark["unit"] } {
  switch (type.typeId) {
    case Type.Int:
      return { kind: "integer" };
    case Type.Float:
      return { kind: "float" };
    case Type.Timestamp:
      return { kind: "timestamp", unit: UNITS[(type as unknown as { unit: number }).unit] };
    case Type.Date:
      return { kind: "date", unit: (type as unknown as { unit: number }).unit === 0 ? undefined : "ms" };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { kind: "string" };
    default:
      throw new HyggeError(
        "CONFIG_INVALID",
        `watermark column "${column}" has type ${type}, which cannot be ordered`,
        {
          hint: "Use an integer, timestamp, date or string column as watermark_column.",
        },
      );
  }
}

/**
 * How many `to` units make one `from` unit when `to` is the same or a finer timestamp unit
 * (1000 per step: s → ms → us → ns), undefined when it is coarser: a committed watermark of a
 * column whose unit was widened (on_schema_change) is carried over exactly.
 */
export function unitFactor(from: Watermark["unit"], to: Watermark["unit"]): bigint | undefined {
  const a = UNITS.indexOf(from ?? "us");
  const b = UNITS.indexOf(to ?? "us");
  return b >= a ? 1000n ** BigInt(b - a) : undefined;
}

export function parse(kind: WatermarkKind, value: string): Ordered {
  if (kind === "float") return Number(value);
  if (kind === "string") return value;
  return BigInt(value);
}

export function read(vector: Vector, kind: WatermarkKind, i: number): Ordered | null {
  if (!vector.isValid(i)) return null;
  // Timestamps and dates from their raw buffers: `get()` turns them into float milliseconds.
  if (kind === "timestamp" || kind === "date") {
    return BigInt((vector.data[0]!.values as BigInt64Array | Int32Array)[i]!);
  }
  const v = vector.get(i);
  if (kind === "integer") return BigInt(v);
  return v as number | string;
}

/**
 * Orders strings by Unicode code point, as `COLLATE "C"` and `_BIN2` collations do. JavaScript's
 * `<` compares UTF-16 code units, which puts U+10000 and above (surrogate pairs, 0xD800–0xDFFF)
 * before U+E000–U+FFFF: the engine would then drop rows the database returned.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only when both are at or above 0xD800 can code-unit and code-point order differ.
    if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
    return x - y;
  }
  return a.length - b.length;
}
/** Moves surrogates above U+E000–U+FFFF (ICU's code point order fix-up). */
const fixup = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit + 0x2000);

/** The one comparator for watermark values: numbers and bigints numerically, strings by code point. */
export function compareValues(a: Ordered, b: Ordered): number {
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "timestamp (us, UTC)", "timestamp (ms, no time zone)", "date", ...: what a resume must match. */
export function describeKind(
  kind: WatermarkKind,
  unit: Watermark["unit"],
  timezone: string | null | undefined,
) {
  const parts = [unit, kind === "timestamp" ? (timezone ?? "no time zone") : undefined].filter(Boolean);
  return `${kind}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

/** A watermark value for people: dates and timestamps as ISO text, strings quoted. */
export function displayValue(w: Pick<Watermark, "kind" | "unit" | "value">): string {
  try {
    if (w.kind === "date" && !w.unit)
      return new Date(Number(w.value) * 86_400_000).toISOString().slice(0, 10);
    if (w.kind === "timestamp" || w.kind === "date") {
      const perMs = { s: 1n, ms: 1n, us: 1_000n, ns: 1_000_000n }[w.unit ?? "ms"];
      const ms = w.unit === "s" ? BigInt(w.value) * 1000n : BigInt(w.value) / perMs;
      return `${new Date(Number(ms)).toISOString()} (${w.value} ${w.unit})`;
    }
  } catch {
    // Out of Date's range: the raw value below.
  }
  return w.kind === "string" ? JSON.stringify(w.value) : w.value;
}
