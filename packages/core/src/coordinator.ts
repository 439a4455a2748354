import type { Logger } from "./contracts/common.js";
import { silentLogger } from "./contracts/common.js";
import type { Watermark } from "./contracts/watermark.js";
import { HyggeError, withContext } from "./errors.js";
import { createContext, Factory } from "./factory.js";
import type { FlowEvent, FlowReport } from "./flow/events.js";
import { newRunId, runFlow } from "./flow/run-flow.js";
import { formatBound, resolveTimeouts } from "./flow/timeouts.js";
import type { EntityRun, ProjectPlan } from "./project/plan.js";
import type { Registry } from "./registry.js";
import { RunResources } from "./resources.js";
import type { RecordedColumn } from "./schema/recorded.js";

/** Hooks a journal implements to record runs; the store stays the source of truth for resuming. */
export interface RunJournal {
  /** Resume point for stores that cannot report their committed state. */
  lastWatermark?(run: EntityRun): Promise<Watermark | undefined>;
  /** The destination's columns as the last passed run left them (shown by --dry-run and debug). */
  lastSchema?(run: EntityRun): Promise<RecordedColumn[] | undefined>;
  record(report: FlowReport, run: EntityRun): Promise<void>;
}

export interface RunSummary {
  runId: string;
  project: string;
  status: "pass" | "fail";
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  flows: FlowReport[];
  totals: { rows: number; bytes: number; pass: number; fail: number; skip: number; rowsPerSec: number };
}

export interface CoordinatorOptions {
  registry: Registry;
  plan: ProjectPlan;
  projectDir: string;
  /** Subset of `plan.runs` to execute (see selectRuns); defaults to all. */
  runs?: EntityRun[];
  concurrency?: number;
  continueOnError?: boolean;
  signal?: AbortSignal;
  /**
   * A signal of one entity's own, next to `signal`: aborts that entity only (e.g. its claim was
   * lost to another process), the others go on.
   */
  entitySignal?: (run: EntityRun) => AbortSignal | undefined;
  onEvent?: (event: FlowEvent) => void;
  logger?: Logger;
  journal?: RunJournal;
}

/** Runs many flows under a concurrency limit and returns one summary. Never throws for a flow failure. */
export async function runPlan(options: CoordinatorOptions): Promise<RunSummary> {
  const { plan } = options;
  const runs = options.runs ?? plan.runs;
  const concurrency = Math.max(1, options.concurrency ?? plan.options.concurrency);
  const continueOnError = options.continueOnError ?? plan.options.continueOnError;
  const factory = new Factory(options.registry);
  const resources = new RunResources();
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const reports: FlowReport[] = new Array(runs.length);
  let stop = false;
  let next = 0;

  const worker = async () => {
    while (next < runs.length) {
      const index = next++;
      const run = runs[index]!;
      if (stop || options.signal?.aborted) {
        reports[index] = skipped(
          run,
          runId,
          stop ? "an earlier flow failed and continue_on_error is false" : "cancelled",
        );
        continue;
      }
      reports[index] = await runOne(run, runId, factory, resources, options);
      if (reports[index]!.status === "fail" && !continueOnError) stop = true;
      await options.journal?.record(reports[index]!, run).catch((e) => {
        (options.logger ?? silentLogger).warn(`journal: could not record ${run.id}: ${(e as Error).message}`);
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, runs.length) }, worker));
  } finally {
    const timeoutMs = resolveTimeouts(plan.options.timeouts).close;
    await resources.closeAll({
      timeoutMs,
      onGiveUp: (key) =>
        (options.logger ?? silentLogger).warn(
          `gave up closing ${key} after ${formatBound(timeoutMs)} (timeouts.close): a connection may still be open; the process ends anyway`,
        ),
    });
  }
  const finishedAt = new Date();
  return summarize(plan.name, runId, startedAt, finishedAt, reports);
}

async function runOne(
  run: EntityRun,
  runId: string,
  factory: Factory,
  resources: RunResources,
  options: CoordinatorOptions,
): Promise<FlowReport> {
  const ctx = createContext(run, {
    projectDir: options.projectDir,
    connections: options.plan.connections,
    resources,
    logger: options.logger,
  });
  const startedAt = new Date();
  try {
    const since = await options.journal?.lastWatermark?.(run);
    return await runFlow({
      id: run.id,
      flow: run.flow,
      entity: run.entity,
      runId,
      home: () => factory.home(run.home, ctx),
      store: () => factory.store(run.store, ctx),
      homePlugin: run.home.plugin,
      storePlugin: run.store.plugin,
      runType: run.runType,
      watermark: run.watermark,
      primaryKey: run.primaryKey,
      onSchemaChange: run.onSchemaChange,
      since,
      signal: entitySignal(options, run),
      onEvent: options.onEvent,
      queueSize: options.plan.options.queueSize,
      retry: { retries: options.plan.options.retries, delayMs: options.plan.options.retryDelayMs },
      timeouts: run.timeouts,
      ...(run.engine
        ? {
            engine: {
              ...run.engine,
              definition: factory.registry.engine(run.engine.type).definition,
              context: { projectDir: options.projectDir, logger: ctx.logger },
            },
          }
        : {}),
    });
  } catch (error) {
    const err = withContext(error, "INTERNAL", { flow: run.flow, entity: run.entity });
    const finishedAt = new Date();
    const attempts = (err.details as { attempts?: number } | undefined)?.attempts ?? 1;
    return {
      ...emptyReport(run, runId, "fail", startedAt, finishedAt),
      attempts,
      error: err,
    };
  }
}

function entitySignal(options: CoordinatorOptions, run: EntityRun): AbortSignal | undefined {
  const own = options.entitySignal?.(run);
  if (!own) return options.signal;
  return options.signal ? AbortSignal.any([options.signal, own]) : own;
}

function emptyReport(
  run: EntityRun,
  runId: string,
  status: FlowReport["status"],
  startedAt: Date,
  finishedAt: Date,
): FlowReport {
  return {
    id: run.id,
    flow: run.flow,
    entity: run.entity,
    status,
    runId,
    runType: run.runType,
    rows: 0,
    bytes: 0,
    batches: 0,
    elapsedMs: finishedAt.getTime() - startedAt.getTime(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    rowsPerSec: 0,
    locations: [],
    attempts: 0,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    queueHighWater: 0,
  };
}

function skipped(run: EntityRun, runId: string, reason: string): FlowReport {
  const now = new Date();
  return {
    ...emptyReport(run, runId, "skip", now, now),
    error: new HyggeError("ABORTED", `not started: ${reason}`, { flow: run.flow, entity: run.entity }),
  };
}

export function summarize(
  project: string,
  runId: string,
  startedAt: Date,
  finishedAt: Date,
  flows: FlowReport[],
): RunSummary {
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  const totals = { rows: 0, bytes: 0, pass: 0, fail: 0, skip: 0, rowsPerSec: 0 };
  for (const f of flows) {
    totals.rows += f.rows;
    totals.bytes += f.bytes;
    totals[f.status] += 1;
  }
  totals.rowsPerSec = durationMs > 0 ? Math.round((totals.rows * 1000) / durationMs) : totals.rows;
  return {
    runId,
    project,
    status: totals.fail > 0 || totals.skip > 0 ? "fail" : "pass",
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    flows,
    totals,
  };
}
