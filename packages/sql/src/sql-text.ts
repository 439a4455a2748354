import type { CommitState } from "@hygge/core";

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
