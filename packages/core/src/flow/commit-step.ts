import type { Schema } from "apache-arrow";
import { schemaFingerprint } from "../arrow/schema.js";
import type { CommitReport } from "../contracts/store.js";
import { faultPoint } from "../fault.js";
import { hasChange, type SchemaDecision } from "../schema/change.js";
import type { AttemptContext } from "./attempt-context.js";
import type { EngineUse, FlowReport } from "./events.js";
import type { GuardedStore } from "./guarded-store.js";
import type { ResumePoint } from "./resume.js";

/** What moving the batches left for the commit: the source's schema and the schema decision. */
export interface Moved {
  schema: Schema | undefined;
  queueHighWater: number;
  decision?: SchemaDecision;
  /** The native engine configured: whether it ran (engine-step.ts). */
  engine?: EngineUse;
}

/**
 * Publishes the data and its state (the new watermark) in the store's one atomic step, and builds
 * the report. A commit that fails is STORE_COMMIT_FAILED (the store left the destination as it
 * was); one the engine stopped waiting for is COMMIT_UNKNOWN (see GuardedStore.commit).
 */
export async function commitStep(
  a: AttemptContext,
  store: GuardedStore,
  resume: ResumePoint,
  moved: Moved,
): Promise<FlowReport> {
  const { info, counters, runType, flow, entity } = a;
  a.progress("committing");
  faultPoint("engine:before-commit");
  const watermark = resume.tracker?.result();
  // No batch came: the destination's columns did not change.
  const schema = moved.decision?.target ?? resume.committed?.schema;
  const change = moved.decision?.evolution?.change;
  let report: CommitReport;
  try {
    report = await store.commit({
      runId: info.runId,
      runType,
      flow,
      entity,
      committedAt: new Date().toISOString(),
      ...(watermark ? { watermark } : {}),
      ...(schema ? { schema } : {}),
    });
  } catch (error) {
    throw a.fail(error, "STORE_COMMIT_FAILED", a.options.storePlugin);
  }
  faultPoint("engine:after-commit");
  const finishedAt = new Date();
  const durationMs = finishedAt.getTime() - info.startedAt.getTime();
  return {
    id: info.id,
    flow,
    entity,
    status: "pass",
    runId: info.runId,
    runType,
    rows: counters.rows,
    bytes: report.bytes ?? counters.bytes,
    batches: counters.batches,
    elapsedMs: durationMs,
    durationMs,
    rowsPerSec: durationMs > 0 ? Math.round((counters.rows * 1000) / durationMs) : counters.rows,
    locations: report.locations,
    since: resume.since,
    watermark,
    committed: resume.committed,
    schemaFingerprint: moved.schema ? schemaFingerprint(moved.schema) : undefined,
    ...(schema ? { schema } : {}),
    ...(change && hasChange(change) ? { schemaChange: change } : {}),
    attempts: info.attempt,
    startedAt: info.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    queueHighWater: moved.queueHighWater,
    ...(moved.engine ? { engine: moved.engine } : {}),
  };
}
