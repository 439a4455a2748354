import type { RunType } from "./contracts/common.js";
import type { CommitState } from "./contracts/store.js";
import type { RecordedColumn } from "./schema/recorded.js";

/** A state row as a database store keeps it: JSON (text or already parsed) for the watermark and columns. */
export interface StateRow {
  run_id: unknown;
  run_type: unknown;
  committed_at: unknown;
  watermark?: unknown;
  schema?: unknown;
}

const parsed = (value: unknown): unknown =>
  value === null || value === undefined || value === ""
    ? undefined
    : typeof value === "string"
      ? JSON.parse(value)
      : value;

/** Recorded columns out of a state row's JSON; undefined when absent or not a list of `{ name, type }`. */
export function recordedColumnsOf(value: unknown): RecordedColumn[] | undefined {
  const list = parsed(value);
  if (!Array.isArray(list)) return undefined;
  const valid = (c: unknown): c is RecordedColumn =>
    typeof c === "object" &&
    c !== null &&
    typeof (c as RecordedColumn).name === "string" &&
    typeof (c as RecordedColumn).type === "string";
  return list.every(valid) ? list : undefined;
}

/** The CommitState a database store's state row of (flow, entity) holds (SQL stores, DuckDB). */
export function commitStateOfRow(row: StateRow, flow: string, entity: string | undefined): CommitState {
  const watermark = parsed(row.watermark) as CommitState["watermark"];
  const schema = recordedColumnsOf(row.schema);
  return {
    runId: String(row.run_id),
    runType: String(row.run_type) as RunType,
    flow,
    ...(entity !== undefined ? { entity } : {}),
    committedAt: String(row.committed_at),
    ...(watermark ? { watermark } : {}),
    ...(schema ? { schema } : {}),
  };
}
