import {
  applyOverrides,
  collectSecrets,
  type PreparedProject,
  prepareProject,
  type RunType,
} from "@hygge/core";
import { addSecrets, colorsFor, err } from "../io.js";
import { impliedPlugins, type LoadedPlugin, loadPlugins } from "../plugins/resolve.js";
import { type LoadedProject, loadProject, relocateEntityIssues } from "../project/load.js";

export interface ProjectSetup {
  project: LoadedProject;
  plugins: LoadedPlugin[];
}

/** Finds and reads the project, registers its secrets for redaction, and loads its plugins. */
export async function setupProject(projectOption: string | undefined): Promise<ProjectSetup> {
  const project = await loadProject(projectOption);
  addSecrets(project.secrets);
  for (const warning of project.warnings) err(colorsFor(process.stderr).yellow(`warning: ${warning}`));
  const entries = project.config.plugins ?? impliedPlugins(project.config);
  const plugins = await loadPlugins(entries, project.projectDir);
  return { project, plugins };
}

export interface SelectOptions {
  flows?: string[];
  entities?: string[];
  overrides?: string[];
  runType?: RunType;
}

/**
 * Validates the project with core and selects the runs; config issues point at the right files.
 * Flows with `entities:` patterns ask their home what it holds here.
 */
export async function prepare(setup: ProjectSetup, select: SelectOptions = {}): Promise<PreparedProject> {
  const { project } = setup;
  const overrides = select.overrides ?? [];
  try {
    if (overrides.length > 0) addSecrets(collectSecrets(applyOverrides(project.config, overrides)));
    const prepared = await prepareProject({
      project: project.config,
      plugins: setup.plugins.map((p) => p.plugin),
      projectDir: project.projectDir,
      sources: project.sources,
      overrides,
      runType: select.runType,
      flows: select.flows,
      entities: select.entities,
    });
    for (const warning of prepared.plan.warnings ?? [])
      err(colorsFor(process.stderr).yellow(`warning: ${warning}`));
    return prepared;
  } catch (error) {
    throw relocateEntityIssues(error, project);
  }
}
