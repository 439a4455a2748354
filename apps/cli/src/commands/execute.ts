import { describeError, HyggeError, type PreparedProject, type RunSummary, runPlan } from "@hygge/core";
import { EXIT } from "../exit.js";
import { out } from "../io.js";
import { createProgress, progressLogger } from "../render/progress.js";
import { printSummary, summaryJson } from "../render/summary.js";
import { openRunSession } from "./run-session.js";
import type { ProjectSetup } from "./setup.js";

export interface ExecuteOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  concurrency: number;
  /** The first progress line (`hygge: project …`). */
  banner: string;
  /** Called once the entities are claimed, before any runs (a copy records its state folder). */
  beforeRun?: () => void;
  /** Keys added to the `--json` summary. */
  jsonExtra?: Record<string, unknown>;
}

/**
 * Runs a prepared plan as `hygge go` and `hygge copy` do: every selected entity claimed before any
 * starts (an entity whose claim is lost stops alone: it aborts and publishes nothing), live
 * progress, SIGINT/SIGTERM leaving destinations as they were, the summary (failures on stderr) or
 * `--json`, and the exit code.
 */
export async function executePlan(
  setup: ProjectSetup,
  prepared: PreparedProject,
  options: ExecuteOptions,
): Promise<number> {
  const human = options.json ? process.stderr : process.stdout;
  const controller = new AbortController();
  const claimLost = new Map<string, AbortController>();
  const ownController = (id: string) => {
    const own = claimLost.get(id) ?? new AbortController();
    claimLost.set(id, own);
    return own;
  };
  const session = await openRunSession(setup, {
    claim: prepared.runs,
    onClaimLost: (target, error) => {
      const own = ownController(target.id);
      if (own.signal.aborted || controller.signal.aborted) return;
      progress.log("warn", `${describeError(error).split("\n")[0]}`);
      own.abort(error);
    },
  });
  const progress = createProgress({ stream: human, quiet: options.quiet, verbose: options.verbose });
  let signalExit: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === "SIGINT" ? EXIT.SIGINT : EXIT.SIGTERM;
    if (signalExit !== undefined) process.exit(code); // second signal: stop now
    signalExit = code;
    progress.log("warn", `${signal} received: stopping; destinations are left as they were`);
    controller.abort(new HyggeError("ABORTED", `interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let summary: RunSummary;
  try {
    options.beforeRun?.();
    progress.log("info", options.banner);
    summary = await runPlan({
      registry: prepared.registry,
      plan: prepared.plan,
      runs: prepared.runs,
      projectDir: prepared.projectDir,
      concurrency: options.concurrency,
      signal: controller.signal,
      entitySignal: (run) => ownController(run.id).signal,
      onEvent: (event) => progress.event(event),
      logger: progressLogger(progress, Boolean(options.verbose)),
      journal: session.journal,
    });
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await session.release();
  }
  const code = signalExit ?? (summary.status === "pass" ? EXIT.OK : EXIT.FAILED);
  if (options.json) out(JSON.stringify({ ...summaryJson(summary, code), ...options.jsonExtra }, null, 2));
  else if (!options.quiet || code !== EXIT.OK) printSummary(summary); // failures on stderr
  return code;
}
