import fs from "node:fs";
import path from "node:path";
import { HyggeError, type HyggePlugin, isHyggeError, projectJsonSchemas, Registry } from "@hygge/core";
import { out } from "../io.js";
import { FIRST_PARTY, loadPlugin } from "../plugins/resolve.js";
import { displayPath } from "../project/find.js";
import { setupProject } from "./setup.js";

const KINDS = ["project", "flow", "entity"] as const;
type Kind = (typeof KINDS)[number];

/** The plugins a schema covers: the project's, or every first-party plugin installed when there is no project. */
async function schemaPlugins(project: string | undefined): Promise<HyggePlugin[]> {
  try {
    return (await setupProject(project)).plugins.map((p) => p.plugin);
  } catch (error) {
    const noProject = isHyggeError(error) && /no hygge project found/.test(error.message);
    if (project !== undefined || !noProject) throw error;
  }
  const plugins: HyggePlugin[] = [];
  for (const name of Object.keys(FIRST_PARTY)) {
    try {
      plugins.push((await loadPlugin(name, process.cwd())).plugin);
    } catch {
      // not installed: its options are simply not in the schema
    }
  }
  return plugins;
}

/** Writes `<kind>.schema.json` files for editors (yaml-language-server modelines point at them). */
export function writeSchemas(dir: string, plugins: HyggePlugin[]): string[] {
  const schemas = projectJsonSchemas(new Registry(plugins));
  fs.mkdirSync(dir, { recursive: true });
  return KINDS.map((kind) => {
    const file = path.join(dir, `${kind}.schema.json`);
    fs.writeFileSync(file, `${JSON.stringify(schemas[kind], null, 2)}\n`);
    return file;
  });
}

/** `hygge schema [KIND] [--out DIR]`: JSON Schema of the project files with the loaded plugins' options. */
export async function schema(
  kind: string | undefined,
  options: { project?: string; out?: string },
): Promise<number> {
  if (kind !== undefined && !KINDS.includes(kind as Kind)) {
    throw new HyggeError("USAGE", `unknown schema "${kind}"`, { hint: `Use one of: ${KINDS.join(", ")}.` });
  }
  const plugins = await schemaPlugins(options.project);
  if (options.out) {
    for (const file of writeSchemas(path.resolve(options.out), plugins)) out(`wrote ${displayPath(file)}`);
    return 0;
  }
  const schemas = projectJsonSchemas(new Registry(plugins));
  out(JSON.stringify(kind ? schemas[kind as Kind] : schemas, null, 2));
  return 0;
}
