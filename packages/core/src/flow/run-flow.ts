import { randomUUID } from "node:crypto";
import { isPlainObject } from "../config/merge.js";
import type { RunType } from "../contracts/common.js";
import type { EngineContext, EngineDefinition } from "../contracts/engine.js";
import type { Home } from "../contracts/home.js";
import type { Store } from "../contracts/store.js";
import type { Watermark, WatermarkSpec } from "../contracts/watermark.js";
import { type HyggeError, isTransient, withContext } from "../errors.js";
import type { OnSchemaChange } from "../schema/change.js";
import { attemptOnce } from "./attempt.js";
import { elapsed, emit } from "./attempt-context.js";
import type { FlowEvent, FlowReport } from "./events.js";
import { backoffDelay, type RetryPolicy, sleep } from "./retry.js";
import type { FlowTimeouts } from "./timeouts.js";

export type Maybe<T> = T | (() => T | Promise<T>);

export interface FlowOptions {
  flow: string;
  entity?: string;
  /** Name in events and summaries; defaults to `flow` or `flow.entity`. */
  id?: string;
  /** A home/store object, or a factory called once per attempt (needed for retries of plugins that cannot reopen). */
  home: Maybe<Home>;
  store: Maybe<Store>;
  homePlugin?: string;
  storePlugin?: string;
  runType?: RunType;
  watermark?: WatermarkSpec;
  primaryKey?: string[];
  /** What an incremental or merge run does when the source's columns changed (default append_new_columns). */
  onSchemaChange?: OnSchemaChange;
  /** Resume point when the store cannot report its committed state (from the journal). */
  since?: Watermark;
  runId?: string;
  signal?: AbortSignal;
  onEvent?: (event: FlowEvent) => void;
  /** Batches waiting between home and store: memory is bounded by this × batch size. */
  queueSize?: number;
  retry?: RetryPolicy;
  /** Bounds of plugin calls, in milliseconds (`Infinity`: none); DEFAULT_TIMEOUTS for the rest. */
  timeouts?: Partial<FlowTimeouts>;
  /** A native engine for file-to-file copies (`engine:`), used where it is exact (engine-step.ts). */
  engine?: FlowEngine;
}

export interface FlowEngine {
  type: string;
  plugin: string;
  definition: EngineDefinition;
  /** Validated by the engine's `options`. */
  options: Record<string, unknown>;
  context: EngineContext;
}

/**
 * Moves one entity from a home to a store. Resolves with the report of a committed run; rejects
 * with one HyggeError (flow, entity, plugin, cause) after aborting the store and closing both.
 * Retries wrap whole attempts (attempt.ts), for transient errors only.
 */
export async function runFlow(options: FlowOptions): Promise<FlowReport> {
  const id = options.id ?? (options.entity ? `${options.flow}.${options.entity}` : options.flow);
  const runId = options.runId ?? newRunId();
  const retry = options.retry ?? { retries: 0, delayMs: 1000 };
  const startedAt = new Date();
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce(options, { id, runId, attempt, startedAt });
    } catch (error) {
      const err = error as HyggeError;
      const outerAborted = options.signal?.aborted ?? false;
      if (outerAborted || !isTransient(err) || attempt > retry.retries) {
        if (err.details === undefined) err.details = { attempts: attempt };
        else if (isPlainObject(err.details)) err.details = { attempts: attempt, ...err.details };
        throw err;
      }
      emit(options, {
        type: "retry",
        id,
        attempt,
        rows: 0,
        bytes: 0,
        batches: 0,
        elapsedMs: elapsed(startedAt),
        error: err,
      });
      await sleep(backoffDelay(retry, attempt), options.signal).catch((e) => {
        throw withContext(e, "ABORTED", { flow: options.flow, entity: options.entity });
      });
    }
  }
}

export function newRunId(now = new Date()): string {
  // Sortable: a run started later has a larger id.
  return `${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomUUID().slice(0, 8)}`;
}
