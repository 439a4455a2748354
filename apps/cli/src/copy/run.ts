import type { PreparedProject } from "@hygge/core";
import type { CopyOptions } from "../commands/copy.js";
import { executePlan } from "../commands/execute.js";
import type { ProjectSetup } from "../commands/setup.js";
import type { CopyProject } from "./config.js";
import { writeCopyInfo } from "./setup.js";

/**
 * Runs a copy's plan exactly as `hygge go` runs a project's (`executePlan`): its one entity
 * claimed in the copy's state folder, the Coordinator, the same progress, summary and exit codes.
 */
export async function runCopy(
  copy: CopyProject,
  setup: ProjectSetup,
  prepared: PreparedProject,
  options: CopyOptions,
): Promise<number> {
  return executePlan(setup, prepared, {
    json: options.json,
    quiet: options.quiet,
    concurrency: 1,
    banner: `hygge copy: ${copy.title} (state ${copy.stateDir})`,
    beforeRun: () => writeCopyInfo(copy),
    jsonExtra: { copy: copyJson(copy) },
  });
}

/** What a copy's JSON output says about it, besides go's summary. */
export const copyJson = (copy: CopyProject) => ({
  title: copy.title,
  entity: copy.entity,
  state: copy.stateDir,
});
