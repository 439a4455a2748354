import type { CommitState, RecordedColumn } from "@hygge/core";

/** A trailing `;` (natural at the end of a query) would break the sub-select hygge wraps it in. */
export function stripSemicolon(query: string): string {
  return query.replace(/[\s;]+$/, "");
}

/** Parameters of a state upsert, in the column order both dialects use. */
export function stateParams(state: CommitState, target: string): unknown[] {
  return [
    state.flow,
    state.entity ?? "",
    state.runId,
    state.runType,
    state.committedAt,
    state.watermark ? JSON.stringify(state.watermark) : null,
    target,
    state.schema ? JSON.stringify(state.schema) : null,
  ];
}

/**
 * The recorded schema of a state row (JSON text). Undefined when absent or not a list of columns:
 * the engine then reads the table's columns instead (a partial list would look like dropped columns).
 */
export function recordedSchemaOf(value: unknown): RecordedColumn[] | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) return undefined;
  const valid = (c: unknown): c is RecordedColumn =>
    typeof c === "object" &&
    c !== null &&
    typeof (c as RecordedColumn).name === "string" &&
    typeof (c as RecordedColumn).type === "string";
  return parsed.every(valid) ? parsed : undefined;
}
