import fs from "node:fs";
import path from "node:path";
import { closest } from "@hygge/core";

/**
 * The installed plugin a `plugins:` entry that could not be found probably meant (`parqet` →
 * `parquet`): first-party short names, and packages named `@hygge/*` or `hygge-plugin-*` in the
 * node_modules folders the project folder resolves from. For a path, a plugin file next to it.
 * Runs only when a plugin was not found: it may list a few folders.
 */
export function nearMiss(
  entry: string,
  projectDir: string,
  firstParty: Record<string, string>,
  isPath: boolean,
): string | undefined {
  if (isPath) return nearFile(entry, projectDir);
  const names = new Set<string>([...Object.keys(firstParty), ...Object.values(firstParty)]);
  for (const pkg of installedPlugins(projectDir)) {
    names.add(pkg);
    names.add(shortName(pkg));
  }
  names.delete(entry);
  // Compare like with like: a short name with short names, a package name with package names.
  const full = entry.startsWith("@") || entry.startsWith("hygge-plugin-");
  const pool = [...names].filter((n) => (n.startsWith("@") || n.startsWith("hygge-plugin-")) === full);
  return closest(entry, pool);
}

/** `@hygge/parquet` → `parquet`, `hygge-plugin-ndjson` → `ndjson`. */
function shortName(pkg: string): string {
  return pkg.replace(/^@hygge\//, "").replace(/^hygge-plugin-/, "");
}

/** `@hygge/*` and `hygge-plugin-*` packages in node_modules from `dir` up to the root. */
function installedPlugins(dir: string): string[] {
  const found: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const modules = path.join(at, "node_modules");
    for (const name of list(modules)) if (name.startsWith("hygge-plugin-")) found.push(name);
    for (const name of list(path.join(modules, "@hygge"))) found.push(`@hygge/${name}`);
    if (path.dirname(at) === at) return found;
  }
}

function list(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => !n.startsWith("."));
  } catch {
    return [];
  }
}

/** A file or folder next to where `entry` points whose name is close (`./plugins/countr.mjs`). */
function nearFile(entry: string, projectDir: string): string | undefined {
  const full = path.resolve(projectDir, entry);
  const guess = closest(path.basename(full), list(path.dirname(full)));
  if (!guess) return undefined;
  const relative = path.join(path.dirname(entry), guess);
  return entry.startsWith("./") && !relative.startsWith(".") ? `./${relative}` : relative;
}
