/**
 * A watermark: how far an incremental entity has been loaded. JSON-serialisable, so stores can
 * keep it next to their data and commit it atomically with that data.
 *
 * Boundary rule (documented in ARCHITECTURE.md): a home returns rows with `column >= value`
 * (inclusive). The Flow engine then drops rows whose value equals `value` and whose primary key
 * is in `boundaryKeys`: those were already loaded. Rows that share the boundary value but arrived
 * later are therefore neither lost (as with `>`) nor duplicated (as with a plain `>=`).
 */
export type WatermarkKind = "integer" | "float" | "timestamp" | "date" | "string";

export interface Watermark {
  column: string;
  kind: WatermarkKind;
  /** Canonical text: decimal digits for integer/timestamp/date (epoch in `unit`/days), the string itself otherwise. */
  value: string;
  /** Timestamp unit of `value` (epoch count). */
  unit?: "s" | "ms" | "us" | "ns";
  timezone?: string | null;
  /** Primary keys (JSON-encoded tuples) of the rows whose value equals `value`. */
  boundaryKeys?: string[];
}

export interface WatermarkSpec {
  column: string;
  primaryKey: string[];
}
