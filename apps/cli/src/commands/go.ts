import { dryRun, HyggeError, type RunType } from "@hygge/core";
import { EXIT } from "../exit.js";
import { printDryRun } from "./dry-run.js";
import { executePlan } from "./execute.js";
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
    const session = await openRunSession(setup, {});
    const entries = await dryRun({
      project: setup.project.config,
      plugins: setup.plugins.map((p) => p.plugin),
      projectDir: setup.project.projectDir,
      sources: setup.project.sources,
      journal: session.journal,
      prepared,
      ...select,
    });
    await session.release();
    printDryRun(prepared.plan.name, entries, Boolean(options.json));
    return EXIT.OK;
  }

  const effective = concurrency ?? prepared.plan.options.concurrency;
  const n = prepared.runs.length;
  return executePlan(setup, prepared, {
    json: options.json,
    quiet: options.quiet,
    verbose: options.verbose,
    concurrency: effective,
    banner: `hygge: project ${prepared.plan.name}, ${n} entit${n === 1 ? "y" : "ies"}, concurrency ${effective}`,
  });
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
