import { type DataType, type RecordBatch, Type, type Vector } from "apache-arrow";
import { cellToJson } from "../arrow/values.js";
import type { RunType } from "../contracts/common.js";
import {
  DEFAULT_MAX_BOUNDARY_KEYS,
  type Watermark,
  type WatermarkKind,
  type WatermarkSpec,
} from "../contracts/watermark.js";
import { HyggeError } from "../errors.js";
import { lookbackSince } from "./lookback.js";

type Ordered = bigint | number | string;
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

function parse(kind: WatermarkKind, value: string): Ordered {
  if (kind === "float") return Number(value);
  if (kind === "string") return value;
  return BigInt(value);
}

function read(vector: Vector, kind: WatermarkKind, i: number): Ordered | null {
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
const cmp = compareValues;

/** A committed watermark of another column cannot be a resume point: comparing would drop rows. */
export function assertSameColumn(spec: WatermarkSpec, previous: Watermark | undefined): void {
  if (previous && previous.column !== spec.column) {
    throw new HyggeError(
      "CONFIG_INVALID",
      `watermark_column is "${spec.column}", but the committed watermark is on "${previous.column}"`,
      { hint: "Run once with --full-drop to load everything and start a watermark on the new column." },
    );
  }
}

/** "timestamp (us, UTC)", "timestamp (ms, no time zone)", "date", ...: what a resume must match. */
function describeKind(kind: WatermarkKind, unit: Watermark["unit"], timezone: string | null | undefined) {
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

/**
 * Applies the incremental boundary rule to batches and tracks the new watermark.
 *
 * Rows below the lower bound (`since`, or `since − lookback`) are dropped. Rows at `since` are
 * dropped when their key is in `since.boundaryKeys`, or when `since` carries no keys at all (every
 * row at that value was loaded); they are kept when `since.rereadBoundary` is set or a lookback
 * applies. The result is the maximum seen and the keys of the rows holding it, at most
 * `spec.maxBoundaryKeys` of them: past that bound a merge run commits `rereadBoundary` and an
 * incremental run fails in `result()`, before anything is committed.
 */
export class WatermarkTracker {
  /** The watermark the home is asked for (`>=` its value): `since`, moved back by a lookback. */
  readonly homeSince: Watermark | undefined;
  private kind: WatermarkKind | undefined;
  private unit: Watermark["unit"];
  private timezone: string | null | undefined;
  private since: Ordered | undefined;
  private lower: Ordered | undefined;
  private readonly seen: Set<string>;
  private readonly bound: number;
  private readonly lookback: boolean;
  private readonly upserts: boolean;
  private max: Ordered | undefined;
  private maxKeys = new Set<string>();
  /** Rows at the maximum (including the previous boundary keys when the maximum did not move). */
  private maxCount = 0;
  private overflow = false;

  constructor(
    readonly spec: WatermarkSpec,
    private readonly previous?: Watermark,
    runType: RunType = "incremental",
  ) {
    assertSameColumn(spec, previous);
    this.upserts = runType === "merge";
    this.bound = spec.maxBoundaryKeys ?? DEFAULT_MAX_BOUNDARY_KEYS;
    this.lookback = spec.lookback !== undefined && runType !== "full_drop";
    if (this.lookback && !this.upserts) {
      throw new HyggeError(
        "CONFIG_INVALID",
        `watermark.lookback re-reads rows already loaded; run_type ${runType} would append them twice`,
        {
          hint: "Use run_type merge with a primary_key (rows are upserted by key), or remove watermark.lookback.",
        },
      );
    }
    if (previous?.rereadBoundary && !this.upserts && runType !== "full_drop") {
      throw new HyggeError(
        "CONFIG_INVALID",
        `the committed watermark on "${spec.column}" (${displayValue(previous)}) kept no boundary keys (a merge run committed it), so run_type ${runType} cannot tell the rows at that value already loaded from new ones`,
        { hint: "Keep run_type merge for this entity, or run once with --full-drop." },
      );
    }
    this.seen = new Set(previous?.boundaryKeys ?? []);
    this.homeSince = this.lookback ? lookbackSince(spec.lookback, previous) : previous;
  }

  /** Returns the rows of `batch` that are new, as zero or more slices. */
  process(batch: RecordBatch): RecordBatch[] {
    const column = batch.getChild(this.spec.column);
    if (!column) {
      throw new HyggeError("CONFIG_INVALID", `watermark column "${this.spec.column}" is not in the data`, {
        hint: `columns: ${batch.schema.fields.map((f) => f.name).join(", ")}`,
      });
    }
    if (this.kind === undefined) this.start(column.type);
    const keyCols = this.spec.primaryKey.map((name) => {
      const v = batch.getChild(name);
      if (!v) throw new HyggeError("CONFIG_INVALID", `primary key column "${name}" is not in the data`);
      return v;
    });
    const key = (i: number) => JSON.stringify(keyCols.map((v) => cellToJson(v, i)));
    const kind = this.kind!;
    const n = batch.numRows;
    const values: (Ordered | null)[] = new Array(n);
    const keep = new Uint8Array(n);
    // At `since`: keep rows not in the keys, all rows (re-read, lookback), or none (no keys kept).
    const atSince =
      this.lookback || this.previous?.rereadBoundary ? "all" : this.seen.size > 0 ? "new" : "none";
    let batchMax: Ordered | undefined;
    // One cheap pass: compare values; build keys only for rows sitting on the old boundary.
    for (let i = 0; i < n; i++) {
      const value = read(column, kind, i);
      values[i] = value;
      let k = true;
      if (value === null) k = this.since === undefined;
      else if (this.lower !== undefined) {
        const c = cmp(value, this.lower);
        if (c < 0) k = false;
        // Without a lookback (atSince is not "all") the lower bound is `since` itself.
        else if (c === 0 && atSince !== "all") {
          k = atSince === "new" && keyCols.length > 0 && !this.seen.has(key(i));
        }
      }
      if (k) {
        keep[i] = 1;
        if (value !== null && (batchMax === undefined || cmp(value, batchMax) > 0)) batchMax = value;
      }
    }
    if (batchMax !== undefined) this.track(batchMax, values, keep, keyCols.length > 0 ? key : undefined);
    const slices: RecordBatch[] = [];
    let start = -1;
    for (let i = 0; i < n; i++) {
      if (keep[i] && start < 0) start = i;
      if (!keep[i] && start >= 0) {
        slices.push(batch.slice(start, i));
        start = -1;
      }
    }
    if (start === 0) return [batch];
    if (start > 0) slices.push(batch.slice(start, n));
    return slices;
  }

  /** Kind, unit and time zone of the data, checked against the committed watermark. */
  private start(type: DataType): void {
    const info = watermarkKind(type, this.spec.column);
    this.kind = info.kind;
    this.unit = info.unit;
    this.timezone = (type as { timezone?: string | null }).timezone;
    if (!this.previous) return;
    const p = this.previous;
    const was = describeKind(p.kind, p.unit, p.timezone);
    const now = describeKind(info.kind, info.unit, this.timezone);
    if (was !== now) {
      throw new HyggeError(
        "CONFIG_INVALID",
        `watermark column "${this.spec.column}" is now ${now}, but the committed watermark is ${was}`,
        {
          hint:
            info.kind === "timestamp" && p.kind === "timestamp" && info.unit === p.unit
              ? "A change between timestamp and timestamptz (or of time zone) changes what the committed value means. Run once with --full-drop to reset the watermark."
              : "Run once with --full-drop to reset the watermark.",
        },
      );
    }
    this.since = parse(info.kind, p.value);
    this.lower = this.homeSince ? parse(info.kind, this.homeSince.value) : this.since;
  }

  /** Follows the maximum and the keys of the rows holding it, up to the bound. */
  private track(
    batchMax: Ordered,
    values: (Ordered | null)[],
    keep: Uint8Array,
    key?: (i: number) => string,
  ) {
    const c = this.max === undefined ? 1 : cmp(batchMax, this.max);
    if (c < 0) return;
    if (c > 0) {
      this.max = batchMax;
      this.maxKeys = new Set();
      this.overflow = false;
      // Rows at `since` that were dropped are already in the previous keys: they count too.
      this.maxCount = this.since !== undefined && cmp(batchMax, this.since) === 0 ? this.seen.size : 0;
    }
    const collect = key && !this.lookback;
    for (let i = 0; i < values.length; i++) {
      if (!keep[i] || values[i] !== batchMax) continue;
      this.maxCount++;
      if (!collect || this.overflow) continue;
      if (this.maxCount > this.bound) {
        // Past the bound: stop keeping keys (memory stays flat); result() decides what that means.
        this.overflow = true;
        this.maxKeys = new Set();
      } else this.maxKeys.add(key(i));
    }
  }

  /**
   * The watermark to commit: the new maximum, or the previous one when no newer row arrived.
   * Throws (nothing is committed) when an append run would have to drop boundary keys.
   */
  result(): Watermark | undefined {
    if (this.max === undefined || this.kind === undefined) return this.previous;
    // A lookback may see only rows below the committed watermark: it never moves back.
    if (this.since !== undefined && cmp(this.max, this.since) < 0) return this.previous;
    const base: Watermark = {
      column: this.spec.column,
      kind: this.kind,
      value: String(this.max),
      ...(this.unit ? { unit: this.unit } : {}),
      ...(this.timezone !== undefined ? { timezone: this.timezone } : {}),
    };
    if (this.lookback) return { ...base, rereadBoundary: true };
    if (this.overflow) {
      if (this.upserts) return { ...base, rereadBoundary: true };
      throw new HyggeError(
        "CONFIG_INVALID",
        `watermark column "${this.spec.column}": ${this.maxCount} rows share the new watermark value ${displayValue(base)}, more than watermark.max_boundary_keys (${this.bound}); an incremental run cannot remember which of them it loaded, so nothing was published`,
        {
          hint: "Use a finer watermark_column (such as a timestamp), run_type merge (rows at that value are read again and upserted by primary key), or raise watermark.max_boundary_keys.",
        },
      );
    }
    let keys = this.maxKeys;
    if (this.since !== undefined && cmp(this.max, this.since) === 0) keys = new Set([...this.seen, ...keys]);
    return { ...base, ...(keys.size > 0 ? { boundaryKeys: [...keys].sort() } : {}) };
  }
}
