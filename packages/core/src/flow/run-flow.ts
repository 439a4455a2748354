import { randomUUID } from "node:crypto";
import type { RecordBatch, Schema } from "apache-arrow";
import { schemaDifference, schemaFingerprint } from "../arrow/schema.js";
import { batchBytes } from "../arrow/values.js";
import type { RunType } from "../contracts/common.js";
import type { Home, ReadContext } from "../contracts/home.js";
import type { CommitReport, CommitState, Store, WriteContext } from "../contracts/store.js";
import type { Watermark, WatermarkSpec } from "../contracts/watermark.js";
import {
  HyggeError,
  type HyggeErrorCode,
  isAbortError,
  isHyggeError,
  isTransient,
  withContext,
} from "../errors.js";
import { faultPoint } from "../fault.js";
import type { FlowEvent, FlowReport } from "./events.js";
import { BoundedQueue } from "./queue.js";
import { abortedError, backoffDelay, type RetryPolicy, sleep } from "./retry.js";
import { WatermarkTracker } from "./watermark.js";

type Maybe<T> = T | (() => T | Promise<T>);

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
  /** Resume point when the store cannot report its committed state (from the journal). */
  since?: Watermark;
  runId?: string;
  signal?: AbortSignal;
  onEvent?: (event: FlowEvent) => void;
  /** Batches waiting between home and store: memory is bounded by this × batch size. */
  queueSize?: number;
  retry?: RetryPolicy;
}

/**
 * Moves one entity from a home to a store. Resolves with the report of a committed run; rejects
 * with one HyggeError (flow, entity, plugin, cause) after aborting the store and closing both.
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
        err.details ??= { attempts: attempt };
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

const elapsed = (since: Date) => Date.now() - since.getTime();

function emit(options: FlowOptions, event: Omit<FlowEvent, "flow" | "entity">): void {
  try {
    options.onEvent?.({ ...event, flow: options.flow, entity: options.entity });
  } catch {
    // A broken progress renderer must never break a data flow.
  }
}

interface AttemptInfo {
  id: string;
  runId: string;
  attempt: number;
  startedAt: Date;
}

async function attemptOnce(options: FlowOptions, info: AttemptInfo): Promise<FlowReport> {
  const { flow, entity } = options;
  const runType = options.runType ?? "full_drop";
  const controller = new AbortController();
  const outer = options.signal;
  const onOuterAbort = () => controller.abort(abortedError(outer!));
  if (outer?.aborted) throw withContext(abortedError(outer), "ABORTED", { flow, entity });
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  const signal = controller.signal;

  let firstError: HyggeError | undefined;
  const fail = (error: unknown, code: HyggeErrorCode, plugin: string | undefined): HyggeError => {
    const wrapped =
      isAbortError(error) && signal.aborted && !isHyggeError(error)
        ? withContext(abortedError(signal), "ABORTED", { flow, entity })
        : withContext(error, isAbortError(error) ? "ABORTED" : code, { flow, entity, plugin });
    firstError ??= wrapped;
    if (!signal.aborted) controller.abort(firstError);
    return firstError;
  };

  const counters = { rows: 0, bytes: 0, batches: 0 };
  const progress = (type: FlowEvent["type"], extra: Partial<FlowEvent> = {}) =>
    emit(options, {
      type,
      id: info.id,
      attempt: info.attempt,
      ...counters,
      elapsedMs: elapsed(info.startedAt),
      ...extra,
    });

  let home: Home | undefined;
  let store: Store | undefined;
  let opened = false;
  try {
    home = await resolve(options.home).catch((e) => {
      throw fail(e, "HOME_READ_FAILED", options.homePlugin);
    });
    store = await resolve(options.store).catch((e) => {
      throw fail(e, "STORE_WRITE_FAILED", options.storePlugin);
    });
    if (!store.supports.runTypes.includes(runType)) {
      throw fail(
        new HyggeError("CONFIG_INVALID", `the store does not support run_type ${runType}`, {
          hint: `it supports: ${store.supports.runTypes.join(", ")}`,
        }),
        "CONFIG_INVALID",
        options.storePlugin,
      );
    }
    const writeCtx: WriteContext = {
      signal,
      flow,
      entity,
      runId: info.runId,
      runType,
      primaryKey: options.primaryKey,
    };
    opened = true;
    await store.open(writeCtx).catch((e) => {
      throw fail(e, "STORE_WRITE_FAILED", options.storePlugin);
    });

    let since: Watermark | undefined;
    let committed: CommitState | undefined;
    if (options.watermark && runType !== "full_drop") {
      if (store.committedState) {
        committed = await store.committedState().catch((e) => {
          throw fail(e, "STORE_WRITE_FAILED", options.storePlugin);
        });
        since = committed?.watermark;
      } else since = options.since;
    }
    let tracker: WatermarkTracker | undefined;
    try {
      tracker = options.watermark ? new WatermarkTracker(options.watermark, since, runType) : undefined;
    } catch (error) {
      throw fail(error, "CONFIG_INVALID", undefined);
    }
    const readCtx: ReadContext = {
      signal,
      flow,
      entity,
      runType,
      ...(options.watermark && runType !== "full_drop"
        ? { watermark: { ...options.watermark, since: tracker?.homeSince } }
        : {}),
    };
    const estimatedRows = await home.estimateRows?.(readCtx).catch(() => undefined);
    progress("start", { estimatedRows, since });

    const queue = new BoundedQueue<RecordBatch>(options.queueSize ?? 4);
    const onAbort = () => queue.fail(firstError ?? abortedError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    const h = home;
    const s = store;
    let schema: Schema | undefined;
    const producer = (async () => {
      const iterator = h.read(readCtx)[Symbol.asyncIterator]();
      let done = false;
      let pending = false;
      try {
        while (!signal.aborted) {
          pending = true;
          const next = await untilAborted(iterator.next(), signal);
          pending = false;
          if (next.done) {
            done = true;
            break;
          }
          const batch = next.value;
          schema ??= batch.schema;
          if (batch.schema !== schema) {
            const diff = schemaDifference(schema, batch.schema);
            if (diff) throw new HyggeError("SCHEMA_MISMATCH", `the home changed schema mid-stream: ${diff}`);
          }
          for (const part of tracker ? tracker.process(batch) : [batch]) await queue.push(part);
        }
        if (signal.aborted) throw firstError ?? abortedError(signal);
        queue.close();
      } catch (error) {
        queue.fail(fail(error, "HOME_READ_FAILED", options.homePlugin));
      } finally {
        if (!done) {
          // A `next()` abandoned on abort may never settle: then `return()` would queue behind it.
          const closing = Promise.resolve(iterator.return?.()).catch(() => undefined);
          if (!pending) await closing;
        }
      }
    })();
    const consumer = (async () => {
      try {
        for (;;) {
          const batch = await queue.shift();
          if (batch === undefined) break;
          await untilAborted(s.write(batch), signal);
          counters.rows += batch.numRows;
          counters.bytes += batchBytes(batch);
          counters.batches += 1;
          progress("progress", { estimatedRows });
        }
      } catch (error) {
        if (firstError) return;
        queue.fail(fail(error, "STORE_WRITE_FAILED", options.storePlugin));
      }
    })();
    await Promise.all([producer, consumer]);
    signal.removeEventListener("abort", onAbort);
    if (firstError) throw firstError;
    if (signal.aborted) throw fail(abortedError(signal), "ABORTED", undefined);

    progress("committing");
    faultPoint("engine:before-commit");
    const watermark = tracker?.result();
    let report: CommitReport;
    try {
      report = await store.commit({
        runId: info.runId,
        runType,
        flow,
        entity,
        committedAt: new Date().toISOString(),
        ...(watermark ? { watermark } : {}),
      });
    } catch (error) {
      throw fail(error, "STORE_COMMIT_FAILED", options.storePlugin);
    }
    faultPoint("engine:after-commit");
    const finishedAt = new Date();
    const durationMs = finishedAt.getTime() - info.startedAt.getTime();
    const result: FlowReport = {
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
      since,
      watermark,
      committed,
      schemaFingerprint: schema ? schemaFingerprint(schema) : undefined,
      attempts: info.attempt,
      startedAt: info.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      queueHighWater: queue.highWater,
    };
    progress("done", { report: result });
    return result;
  } catch (error) {
    const err = firstError ?? fail(error, "INTERNAL", undefined);
    if (store && opened) {
      try {
        await store.abort(err);
      } catch (abortError) {
        err.message += ` (and aborting the store failed too: ${(abortError as Error)?.message ?? abortError})`;
      }
    }
    progress("failed", { error: err });
    throw err;
  } finally {
    outer?.removeEventListener("abort", onOuterAbort);
    await Promise.allSettled([home?.close?.(), store?.close?.()]);
  }
}

/**
 * Waits for `promise`, but rejects as soon as `signal` aborts: a plugin stuck on I/O that ignores
 * the signal cannot hold the flow. The abandoned promise's outcome is ignored.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

async function resolve<T>(value: Maybe<T>): Promise<T> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : value;
}
