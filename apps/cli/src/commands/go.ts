import { describeError, dryRun, HyggeError, type RunSummary, type RunType, runPlan } from "@hygge/core";
import { EXIT } from "../exit.js";
import { colorsFor, out } from "../io.js";
import { createProgress, progressLogger } from "../render/progress.js";
import { renderSummary, summaryJson } from "../render/summary.js";
import { printDryRun } from "./dry-run.js";
import { openRunSession } from "./run-session.js";
import { prepare, setupProject } from "./setup.js";

export interface GoOptions {
  project?: string;
  flow?: string[];
  entity?: string[];
  incremental?: boolean;
  fullDrop?: boolean;
  concurrency?: string;
  var?: string[];
  dryRun?: boolean;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

/** `hygge go`: runs every selected (flow, entity) and returns the exit code. */
export async function go(options: GoOptions): Promise<number> {
  if (options.incremental && options.fullDrop) {
    throw new HyggeError("USAGE", "--incremental and --full-drop cannot be used together", {
      hint: "Pick one, or neither to use each entity's run_type.",
    });
  }
  const runType: RunType | undefined = options.incremental
    ? "incremental"
    : options.fullDrop
      ? "full_drop"
      : undefined;
  const concurrency = parseConcurrency(options.concurrency);
  const setup = await setupProject(options.project);
  const select = { flows: options.flow, entities: options.entity, overrides: options.var, runType };
  const prepared = await prepare(setup, select);
  if (prepared.plan.runs.length === 0) {
    throw new HyggeError("CONFIG_INVALID", "the project defines no flow to run", {
      subject: setup.project.sources.project,
      hint: "Add a flow under flows/<name>/flow.yml (or enable one), or create a sample with `hygge init`.",
    });
  }

  if (options.dryRun) {
    const session = await openRunSession(setup, { lock: false });
    const entries = await dryRun({
      project: setup.project.config,
      plugins: setup.plugins.map((p) => p.plugin),
      projectDir: setup.project.projectDir,
      sources: setup.project.sources,
      journal: session.journal,
      ...select,
    });
    await session.release();
    printDryRun(prepared.plan.name, entries, Boolean(options.json));
    return EXIT.OK;
  }

  const human = options.json ? process.stderr : process.stdout;
  const controller = new AbortController();
  // Two runs must never keep writing one project: once the lock is no longer ours, stop (each
  // entity still running aborts and publishes nothing; its destination stays as it was).
  const session = await openRunSession(setup, {
    lock: true,
    onLockLost: (error) => {
      if (controller.signal.aborted) return;
      progress.log("warn", `${describeError(error).split("\n")[0]}`);
      controller.abort(error);
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
  const runs = prepared.runs;
  const effective = concurrency ?? prepared.plan.options.concurrency;
  progress.log(
    "info",
    `hygge: project ${prepared.plan.name}, ${runs.length} entit${runs.length === 1 ? "y" : "ies"}, concurrency ${effective}`,
  );

  let summary: RunSummary;
  try {
    summary = await runPlan({
      registry: prepared.registry,
      plan: prepared.plan,
      runs,
      projectDir: prepared.projectDir,
      concurrency: effective,
      signal: controller.signal,
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
  if (options.json) out(JSON.stringify(summaryJson(summary, code), null, 2));
  else if (!options.quiet || code !== EXIT.OK) out(renderSummary(summary, colorsFor(process.stdout)));
  return code;
}

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new HyggeError("USAGE", `--concurrency ${value}: must be a whole number from 1 to 256`, {
      hint: "For example --concurrency 4.",
    });
  }
  return n;
}
