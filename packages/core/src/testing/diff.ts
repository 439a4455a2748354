import type { RecordBatch, Table } from "apache-arrow";
import { type Json, toRows } from "../arrow/values.js";

type Row = Record<string, Json>;

/** Values compared as jest's toEqual does for rows: primitives with Object.is, lists and structs deeply. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => same(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Row)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Row)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same((a as Row)[k], (b as Row)[k]));
}

const show = (v: unknown) => {
  if (v === undefined) return "(absent)";
  const text = JSON.stringify(v) ?? String(v);
  const shown = text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text;
  return Object.is(v, -0) ? "-0" : shown;
};

/**
 * The first place two row lists differ, as one readable sentence (undefined when they are equal):
 * the row count, the first differing row and column with both values, or a column one side lacks.
 * Rows are compared in order; sort both sides first for a destination without an order.
 */
export function firstDifference(got: readonly Row[], want: readonly Row[]): string | undefined {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const columns = [...new Set([...Object.keys(w), ...Object.keys(g)])];
    for (const column of columns) {
      if (same(g[column], w[column])) continue;
      const missing = !(column in g) ? " (the column is missing from what was read)" : "";
      const extra = !(column in w) ? " (a column the expected rows do not have)" : "";
      return `row ${i}, column "${column}": expected ${show(w[column])}, got ${show(g[column])}${missing}${extra}`;
    }
  }
  if (got.length !== want.length) {
    const [more, which] = got.length > want.length ? [got, "got"] : [want, "expected"];
    return `${got.length} rows read, ${want.length} expected: rows agree up to row ${n}; the first row only ${which === "got" ? "read" : "expected"} is row ${n}: ${show(more[n])}`;
  }
  return undefined;
}

/** Rows of a table, batches or rows already converted (exact JSON cells, see `toRows`). */
export function rowsOf(data: Table | readonly RecordBatch[] | readonly Row[]): Row[] {
  if (Array.isArray(data) && (data.length === 0 || !("schema" in (data[0] as object))))
    return [...(data as Row[])];
  return toRows(data as Table);
}

/**
 * Throws an Error naming `what` and the first differing row and column when `got` and `want`
 * differ, instead of printing both sides whole. Used by the conformance suites; plugin tests may
 * use it for their own data comparisons.
 */
export function expectSameRows(
  got: Table | readonly RecordBatch[] | readonly Row[] | undefined,
  want: Table | readonly RecordBatch[] | readonly Row[],
  what = "the data read back",
  against = "what was written",
): void {
  if (got === undefined) throw new Error(`${what}: nothing was read (the destination does not exist)`);
  const difference = firstDifference(rowsOf(got), rowsOf(want));
  if (difference !== undefined) throw new Error(`${what} differs from ${against}: ${difference}`);
}

/** The first differing line of two fingerprints (`snapshot()`), as one sentence; undefined when equal. */
export function firstTextDifference(before = "", after = ""): string | undefined {
  if (before === after) return undefined;
  const a = before.split("\n");
  const b = after.split("\n");
  const i = a.findIndex((line, k) => line !== b[k]);
  const at = i < 0 ? a.length : i;
  const was = a[at] ?? "";
  const now = b[at] ?? "";
  let c = 0;
  while (c < was.length && was[c] === now[c]) c++;
  const around = (t: string) => JSON.stringify(`${c > 40 ? "…" : ""}${t.slice(Math.max(0, c - 40), c + 80)}`);
  return `line ${at + 1}, character ${c + 1}: was ${at < a.length ? around(was) : "(absent)"}, is now ${at < b.length ? around(now) : "(absent)"}`;
}
