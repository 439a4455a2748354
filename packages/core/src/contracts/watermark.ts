/**
 * A watermark: how far an incremental entity has been loaded. JSON-serialisable, so stores can
 * keep it next to their data and commit it atomically with that data.
 *
 * Boundary rule (documented in ARCHITECTURE.md): a home returns rows with `column >= value`
 * (inclusive). The Flow engine then drops rows whose value equals `value` and whose primary key
 * is in `boundaryKeys`: those were already loaded. Rows that share the boundary value but arrived
 * later are therefore neither lost (as with `>`) nor duplicated (as with a plain `>=`).
 * At most `maxBoundaryKeys` keys are kept; past that bound (and after a `lookback` run) a merge
 * run commits `rereadBoundary` instead, and an incremental (append) run fails before publishing.
 */
export type WatermarkKind = "integer" | "float" | "timestamp" | "date" | "string";

export interface Watermark {
  column: string;
  kind: WatermarkKind;
  /** Canonical text: decimal digits for integer/timestamp/date (epoch in `unit`/days), the string itself otherwise. */
  value: string;
  /** Timestamp unit of `value` (epoch count). */
  unit?: "s" | "ms" | "us" | "ns";
  /** A timestamp's time zone: `null` for wall-clock timestamps (`timestamp`), a zone for instants (`timestamptz`). */
  timezone?: string | null;
  /**
   * Primary keys (JSON-encoded tuples) of the rows whose value equals `value`. Absent (and no
   * `rereadBoundary`): every row at `value` was loaded, rows at `value` are not read again.
   */
  boundaryKeys?: string[];
  /**
   * The keys of the rows at `value` were not kept (more than `maxBoundaryKeys` of them, or a
   * `lookback` run): the next run keeps every row at `value` again. Only committed by merge runs,
   * whose store upserts by primary key; an incremental (append) run refuses to resume from it.
   */
  rereadBoundary?: boolean;
}

/** `lookback`: a duration ("3 days", "PT6H") for timestamps and dates, a number for integers and floats. */
export type Lookback = string | number;

/** Default of `watermark.max_boundary_keys`. */
export const DEFAULT_MAX_BOUNDARY_KEYS = 10_000;

export interface WatermarkSpec {
  column: string;
  primaryKey: string[];
  /** Most boundary keys kept with a watermark (`watermark.max_boundary_keys`, default 10,000). */
  maxBoundaryKeys?: number;
  /** Re-read this far before the committed watermark (`watermark.lookback`; run_type merge only). */
  lookback?: Lookback;
}
