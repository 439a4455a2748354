import type { RecordBatch } from "apache-arrow";
import type { Home } from "../contracts/home.js";
import type { Store, WriteContext } from "../contracts/store.js";
import { errorMessage, HyggeError } from "../errors.js";
import { AttemptContext, type AttemptInfo } from "./attempt-context.js";
import { commitStep, type Moved } from "./commit-step.js";
import { consume } from "./consume.js";
import { engineStep } from "./engine-step.js";
import type { FlowReport } from "./events.js";
import { GuardedHome } from "./guarded-home.js";
import { GuardedStore } from "./guarded-store.js";
import { PluginGuard } from "./plugin-guard.js";
import { produce } from "./produce.js";
import { BoundedQueue } from "./queue.js";
import { type ResumePoint, resumePoint } from "./resume.js";
import type { FlowOptions, Maybe } from "./run-flow.js";
import { resolveTimeouts } from "./timeouts.js";

/**
 * One attempt: create the home and the store, open the store, find the resume point, move the
 * batches, commit; on failure abort the store; always close both (through the guard, so every
 * step is bounded and ordered) before the final `done` or `failed` event.
 */
export async function attemptOnce(options: FlowOptions, info: AttemptInfo): Promise<FlowReport> {
  const a = new AttemptContext(options, info);
  if (a.signal.aborted) {
    a.detach();
    throw a.failure();
  }
  const guard = new PluginGuard({
    flow: a.flow,
    entity: a.entity,
    signal: a.signal,
    timeouts: resolveTimeouts(options.timeouts),
    fail: (error) => a.fail(error, error.code, error.plugin),
    onWaiting: (waiting) => a.progress("waiting", { waiting }),
  });
  let home: GuardedHome | undefined;
  let store: GuardedStore | undefined;
  let result: FlowReport | undefined;
  let error: HyggeError | undefined;
  try {
    home = await create(
      guard,
      "home",
      options.home,
      options.homePlugin,
      (h: Home) => new GuardedHome(guard, h, options.homePlugin),
    );
    store = await create(
      guard,
      "store",
      options.store,
      options.storePlugin,
      (s: Store) => new GuardedStore(guard, s, options.storePlugin, () => a.failure()),
    );
    checkRunType(a, store);
    const writeCtx: WriteContext = {
      signal: a.signal,
      flow: a.flow,
      entity: a.entity,
      runId: info.runId,
      runType: a.runType,
      primaryKey: options.primaryKey,
    };
    await store.open(writeCtx);
    const resume = await resumePoint(a, store);
    const estimatedRows = await home.estimateRows(resume.readCtx);
    a.progress("start", { estimatedRows, since: resume.since });
    const viaEngine = options.engine && (await engineStep(a, home, store, resume, options.engine));
    const moved = viaEngine?.moved ?? (await moveBatches(a, home, store, resume, estimatedRows));
    result = await commitStep(a, store, resume, { ...moved, engine: viaEngine?.use });
  } catch (thrown) {
    error = a.fail(thrown, "INTERNAL", undefined);
    await store?.abort(error).catch((e) => {
      error!.message += ` (and aborting the store failed too: ${errorMessage(e)})`;
    });
  } finally {
    a.detach();
    const [h, s] = await Promise.allSettled([home?.close(), store?.close()]);
    guard.dispose();
    if (error) {
      if (h.status === "rejected")
        error.message += ` (and closing the home failed too: ${errorMessage(h.reason)})`;
      if (s.status === "rejected")
        error.message += ` (and closing the store failed too: ${errorMessage(s.reason)})`;
    }
  }
  if (error || !result) {
    const err = error ?? a.failure();
    a.progress("failed", { error: err });
    throw err;
  }
  a.progress("done", { report: result });
  return result;
}

/** Creates the home or the store (a plugin's factory is a guarded step too) and wraps it. */
async function create<P, G>(
  guard: PluginGuard,
  role: "home" | "store",
  value: Maybe<P>,
  plugin: string | undefined,
  wrap: (plugin: P) => G,
): Promise<G> {
  const party = guard.party(role, plugin);
  const made = await guard.call(party, "create", () => resolve(value), {
    // Created after the engine gave up on it: close it, nobody else will.
    late: (late) =>
      void Promise.resolve((late as { close?: () => unknown }).close?.()).catch(() => undefined),
  });
  return wrap(made);
}

function checkRunType(a: AttemptContext, store: GuardedStore): void {
  if (store.supports.runTypes.includes(a.runType)) return;
  throw a.fail(
    new HyggeError("CONFIG_INVALID", `the store does not support run_type ${a.runType}`, {
      hint: `it supports: ${store.supports.runTypes.join(", ")}`,
    }),
    "CONFIG_INVALID",
    a.options.storePlugin,
  );
}

/**
 * The producer and the consumer joined by a bounded queue. The first failure on either side
 * aborts the attempt and fails the queue, which wakes the other side at its next push or shift.
 */
async function moveBatches(
  a: AttemptContext,
  home: GuardedHome,
  store: GuardedStore,
  resume: ResumePoint,
  estimatedRows: number | undefined,
): Promise<Moved> {
  const queue = new BoundedQueue<RecordBatch>(a.options.queueSize ?? 4);
  const onAbort = () => queue.fail(a.failure());
  a.signal.addEventListener("abort", onAbort, { once: true });
  const [schema, outcome] = await Promise.all([
    produce(a, () => home.read(resume.readCtx), queue, resume.tracker),
    consume(a, store, queue, estimatedRows, resume),
  ]);
  a.signal.removeEventListener("abort", onAbort);
  if (a.signal.aborted) throw a.failure();
  return { schema, queueHighWater: queue.highWater, decision: outcome?.decision };
}

async function resolve<T>(value: Maybe<T>): Promise<T> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : value;
}
