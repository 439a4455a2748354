import fs from "node:fs";
import path from "node:path";
import { collectSecrets, HyggeError, isHyggeError } from "@hygge/core";
import type { ProjectSetup } from "../commands/setup.js";
import { addSecrets, redactText } from "../io.js";
import { FIRST_PARTY, impliedPlugins, loadPlugins } from "../plugins/resolve.js";
import type { CopyProject } from "./config.js";
import { acceptedHint } from "./endpoints.js";

/** Where a copy's errors say a key came from (there is no project file). */
export const COPY_SOURCE = "hygge copy";

/**
 * A copy as the project `hygge go` would load: its secrets registered for redaction, the plugins
 * its types and URLs need loaded from the working folder (then from where the CLI is installed).
 */
export async function copySetup(copy: CopyProject, cwd: string): Promise<ProjectSetup> {
  // A connection's password, never its whole URL: the user typed the URL and sees it (masked).
  const urls = new Set(Object.values(copy.config.connections ?? {}).map((c) => String(c.url)));
  const secrets = new Set([...collectSecrets(copy.config)].filter((s) => !urls.has(s)));
  addSecrets(secrets);
  const entries = impliedPlugins(copy.config);
  let plugins: ProjectSetup["plugins"];
  try {
    plugins = await loadPlugins(entries, cwd);
  } catch (error) {
    throw missingPlugin(error);
  }
  return {
    project: {
      file: COPY_SOURCE,
      projectDir: cwd,
      config: copy.config,
      sources: { project: COPY_SOURCE },
      secrets,
      entityFiles: new Map(),
      warnings: [],
    },
    plugins,
  };
}

/** PLUGIN_NOT_FOUND with what to install for this copy, and the forms copy accepts. */
function missingPlugin(error: unknown): unknown {
  if (!isHyggeError(error) || error.code !== "PLUGIN_NOT_FOUND") return error;
  const names =
    error.subject !== undefined
      ? [error.subject]
      : ((error.details as { plugin?: unknown }[] | undefined) ?? []).map((d) => String(d.plugin));
  const packages = [...new Set(names.map((n) => FIRST_PARTY[n] ?? n))];
  return new HyggeError("PLUGIN_NOT_FOUND", `this copy needs ${packages.join(" and ")}: ${error.message}`, {
    subject: packages.join(" "),
    cause: error,
    details: error.details,
    hint: acceptedHint(
      `Install ${packages.length === 1 ? "it" : "them"} where you run hygge (or next to the hygge CLI): npm install ${packages.join(" ")}.`,
    ),
  });
}

/** Records what a state folder belongs to (passwords removed), so a person can tell the folders apart. */
export function writeCopyInfo(copy: CopyProject): void {
  const file = path.join(copy.stateDir, "copy.json");
  const info = { command: "hygge copy", copy: redactText(copy.title), entity: copy.entity };
  fs.mkdirSync(copy.stateDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
}
