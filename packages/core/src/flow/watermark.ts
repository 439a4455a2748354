import type { DataType, RecordBatch } from "apache-arrow";
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
import {
  compareValues as cmp,
  describeKind,
  displayValue,
  type Ordered,
  parse,
  read,
  unitFactor,
  watermarkKind,
} from "./watermark-values.js";

export { compareCodePoints, compareValues, displayValue, watermarkKind } from "./watermark-values.js";

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
    // A column widened to a finer unit in the same zone (on_schema_change): the value scales exactly.
    const factor =
      info.kind === "timestamp" && p.kind === "timestamp" && (p.timezone ?? null) === (this.timezone ?? null)
        ? unitFactor(p.unit, info.unit)
        : was === now
          ? 1n
          : undefined;
    if (factor === undefined) {
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
    const scaled = (value: string) => {
      const v = parse(info.kind, value);
      return factor === 1n ? v : (v as bigint) * factor;
    };
    this.since = scaled(p.value);
    this.lower = this.homeSince ? scaled(this.homeSince.value) : this.since;
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
