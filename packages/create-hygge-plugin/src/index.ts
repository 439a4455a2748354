// Scaffolds a hygge plugin package from the template folder shipped next to dist/.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The template's own plugin name; every occurrence in its text files becomes the new name. */
export const TEMPLATE_NAME = "my-plugin";
/**
 * Files the template ships under another name: npm and pnpm pack drop dotfiles, and a nested
 * package.json would be read as a package's by publint and bundlers.
 */
const RENAMED: Record<string, string> = { gitignore: ".gitignore", "_package.json": "package.json" };
const TEXT = /\.(ts|js|mjs|json|md|txt)$|^(gitignore|LICENSE)$/;

export const TEMPLATE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "template");

export interface ScaffoldResult {
  /** The folder written, absolute. */
  dir: string;
  /** The plugin's short name: the home and store type (`type: <name>`). */
  name: string;
  /** The npm package name: `hygge-plugin-<name>`. */
  packageName: string;
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

/** A usage error the CLI prints without a stack. */
export class ScaffoldError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "ScaffoldError";
  }
}

/** The plugin name for a target folder: its base name, without a `hygge-plugin-` prefix. */
export function pluginName(target: string): string {
  const base = path.basename(path.resolve(target)).replace(/^hygge-plugin-/, "");
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(base) || base.length > 50)
    throw new ScaffoldError(
      `"${base}" cannot be a plugin name`,
      "use lowercase letters, digits and single dashes, starting with a letter (e.g. my-api)",
    );
  return base;
}

/** Copies the template into `target` (which must not exist or be empty), renamed for the plugin. */
export function scaffold(
  target: string,
  options: { name?: string; templateDir?: string } = {},
): ScaffoldResult {
  const dir = path.resolve(target);
  const name = options.name ?? pluginName(dir);
  const from = options.templateDir ?? TEMPLATE_DIR;
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new ScaffoldError(
      `${dir} is not empty`,
      "choose a new folder name, or empty this one first: nothing was written",
    );
  const files: string[] = [];
  const copy = (rel: string) => {
    for (const entry of readdirSync(path.join(from, rel), { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist") continue;
      const src = path.join(from, rel, entry.name);
      const outName = RENAMED[entry.name] ?? entry.name;
      const outRel = path.join(rel, outName);
      if (entry.isDirectory()) {
        mkdirSync(path.join(dir, outRel), { recursive: true });
        copy(path.join(rel, entry.name));
      } else if (entry.isFile()) {
        const dest = path.join(dir, outRel);
        if (TEXT.test(entry.name))
          writeFileSync(dest, readFileSync(src, "utf8").replaceAll(TEMPLATE_NAME, name));
        else copyFileSync(src, dest);
        files.push(outRel.split(path.sep).join("/"));
      }
    }
  };
  mkdirSync(dir, { recursive: true });
  copy("");
  return { dir, name, packageName: `hygge-plugin-${name}`, files: files.sort() };
}

/** What to type next, for the CLI's last lines. */
export function nextSteps(result: ScaffoldResult, cwd = process.cwd()): string {
  const rel = path.relative(cwd, result.dir) || ".";
  return [
    `Created ${result.packageName} in ${rel} (home and store type: ${result.name}).`,
    "",
    "Next:",
    `  cd ${rel}`,
    "  npm install",
    "  npm run build",
    "  npm test",
    "",
    `Then use it in a project: plugins: [./${path.join(rel, "dist/index.js")}]`,
    "The authoring guide: https://github.com/hygge/hygge/blob/main/PLUGINS.md",
  ].join("\n");
}
