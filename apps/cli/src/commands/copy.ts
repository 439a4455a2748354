import { collectSecrets, dryRun } from "@hygge/core";
import { checkStateOutsideTarget, copyProject } from "../copy/config.js";
import { isConnectionString, parseEndpoint } from "../copy/endpoints.js";
import { copyConfigError } from "../copy/issues.js";
import { copyJson, runCopy } from "../copy/run.js";
import { copySetup } from "../copy/setup.js";
import { EXIT } from "../exit.js";
import { addSecrets, colorsFor, out } from "../io.js";
import { printDryRun } from "./dry-run.js";
import { openRunSession } from "./run-session.js";
import { prepare } from "./setup.js";

export interface CopyOptions {
  format?: string;
  sourceFormat?: string;
  runType?: "full_drop" | "incremental" | "merge";
  watermark?: string;
  primaryKey?: string;
  replaceExisting?: boolean;
  state?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/**
 * `hygge copy <from> <to>`: one table or file set, without a project. The copy becomes a project
 * of one flow (`copy`) and one entity, validated, planned and run on the very path of `hygge go`;
 * its journal and lock live in `<state>/<entity>-<key>/`, keyed by source and destination.
 */
export async function copy(from: string, to: string, options: CopyOptions): Promise<number> {
  // Before anything can print: a URL's password (raw and decoded), an ADO.NET Password=.
  for (const arg of [from, to]) {
    if (isConnectionString(arg)) addSecrets([...collectSecrets({ url: arg })].filter((s) => s !== arg));
  }
  const cwd = process.cwd();
  const source = parseEndpoint(from, "from", cwd);
  const target = parseEndpoint(to, "to", cwd);
  const project = copyProject(source, target, options, cwd);
  checkStateOutsideTarget(project, options.state);
  const setup = await copySetup(project, cwd);
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(setup);
  } catch (error) {
    throw copyConfigError(error);
  }

  if (!options.dryRun) return runCopy(project, setup, prepared, options);
  const session = await openRunSession(setup, {});
  try {
    const entries = await dryRun({
      project: setup.project.config,
      plugins: setup.plugins.map((p) => p.plugin),
      projectDir: setup.project.projectDir,
      sources: setup.project.sources,
      journal: session.journal,
    });
    if (options.json) {
      const text = captureStdout(() => printDryRun(prepared.plan.name, entries, true));
      out(JSON.stringify({ ...JSON.parse(text), copy: copyJson(project) }, null, 2));
    } else {
      out(`${colorsFor(process.stdout).bold("hygge copy")}: ${project.title}`);
      out(`state: ${project.stateDir}`);
      printDryRun(prepared.plan.name, entries, false);
    }
  } finally {
    await session.release();
  }
  return EXIT.OK;
}

/** What `print` writes to stdout, instead of writing it (to add the copy's fields to dry-run JSON). */
function captureStdout(print: () => void): string {
  const write = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: unknown) => {
    text += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    print();
  } finally {
    process.stdout.write = write;
  }
  return text;
}
