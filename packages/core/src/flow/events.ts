import type { RunType } from "../contracts/common.js";
import type { CommitState } from "../contracts/store.js";
import type { Watermark } from "../contracts/watermark.js";
import type { HyggeError } from "../errors.js";
import type { SchemaChange } from "../schema/change.js";
import type { RecordedColumn } from "../schema/recorded.js";
import type { PluginRole, PluginStep } from "./steps.js";

export interface FlowCounters {
  rows: number;
  bytes: number;
  batches: number;
  elapsedMs: number;
}

export type FlowPhase = "start" | "progress" | "waiting" | "retry" | "committing" | "done" | "failed";

/** A `waiting` event's payload: a plugin call is slow (sent after `timeouts.notice`, then periodically). */
export interface WaitingInfo {
  role: PluginRole;
  plugin?: string;
  step: PluginStep;
  /** How long the call has been running. */
  waitingMs: number;
  /** "waiting for the store (@hygge/sql) to commit". */
  message: string;
}

/** Progress is a stream of these; the CLI decides how to draw them. */
export interface FlowEvent extends FlowCounters {
  type: FlowPhase;
  id: string;
  flow: string;
  entity?: string;
  attempt: number;
  estimatedRows?: number;
  /** Set on `start` for incremental runs: where this run resumes. */
  since?: Watermark;
  error?: HyggeError;
  report?: FlowReport;
  /** Set on `waiting`. */
  waiting?: WaitingInfo;
}

export type FlowStatus = "pass" | "fail" | "skip";

export interface FlowReport extends FlowCounters {
  id: string;
  flow: string;
  entity?: string;
  status: FlowStatus;
  runId: string;
  runType: RunType;
  durationMs: number;
  rowsPerSec: number;
  /** Where the data settled (files, tables). */
  locations: string[];
  /** The watermark the run started from and the one it committed. */
  since?: Watermark;
  watermark?: Watermark;
  attempts: number;
  /** The state the store had published when the run started (incremental runs): the resume point. */
  committed?: CommitState;
  /** Columns and types of the data moved (see schemaFingerprint). */
  schemaFingerprint?: string;
  /** The destination's columns once the run was published (what the store recorded). */
  schema?: RecordedColumn[];
  /** What the run changed in the destination's columns (on_schema_change); absent when nothing. */
  schemaChange?: SchemaChange;
  startedAt: string;
  finishedAt: string;
  error?: HyggeError;
  /** Highest number of batches waiting between home and store. */
  queueHighWater: number;
  /** The native engine configured (`engine:`): whether it ran, and why not when it did not. */
  engine?: EngineUse;
}

/** `ran`: the engine copied the files; else `fallback` says why hygge's batch loop did. */
export type EngineUse = { type: string; ran: true } | { type: string; ran: false; fallback: string };
