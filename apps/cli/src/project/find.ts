import fs from "node:fs";
import path from "node:path";
import { errorMessage, HyggeError, isHyggeError } from "@hygge/core";
import { cosmiconfig, type Loader } from "cosmiconfig";
import { parseYaml } from "./yaml.js";

/** The file names a project may use, in the order they are looked for. */
export const PROJECT_FILES = [
  "hygge.yml",
  "hygge.yaml",
  ".hyggerc",
  ".hyggerc.yml",
  ".hyggerc.yaml",
  ".hyggerc.json",
  ".hyggerc.js",
  ".hyggerc.mjs",
  "hygge.config.js",
  "hygge.config.mjs",
  "hygge.config.ts",
  "package.json",
];

export interface FoundProject {
  /** Absolute path of the project file. */
  file: string;
  /** The folder relative paths resolve against. */
  dir: string;
  config: unknown;
}

const yamlLoader: Loader = (filepath, content) => parseYaml(content, displayPath(filepath));

function explorer(searchUpward: boolean) {
  return cosmiconfig("hygge", {
    searchPlaces: PROJECT_FILES,
    loaders: { ".yml": yamlLoader, ".yaml": yamlLoader, noExt: yamlLoader },
    cache: false,
    ...(searchUpward
      ? { searchStrategy: "global" as const, stopDir: path.parse(process.cwd()).root }
      : { searchStrategy: "none" as const }),
  });
}

/**
 * Finds the project: `--project DIR` (a folder or a project file) or, without it, the nearest
 * project file from the working directory upward.
 */
export async function findProject(project: string | undefined): Promise<FoundProject> {
  const cwd = process.cwd();
  const target = project === undefined ? undefined : path.resolve(cwd, project);
  let result: Awaited<ReturnType<ReturnType<typeof explorer>["search"]>>;
  try {
    if (target && fs.existsSync(target) && fs.statSync(target).isFile()) {
      result = await explorer(false).load(target);
    } else {
      if (target && !fs.existsSync(target)) {
        throw new HyggeError("USAGE", `--project ${project}: no such folder`, {
          subject: target,
          hint: "Pass the folder that holds hygge.yml, or create a project with `hygge init DIR`.",
        });
      }
      result = await explorer(target === undefined).search(target ?? cwd);
    }
  } catch (error) {
    if (isHyggeError(error)) throw error;
    throw configLoadError(error, target ?? cwd);
  }
  if (!result || globalConfig(result.filepath)) {
    const where = displayPath(target ?? cwd);
    throw new HyggeError(
      "CONFIG_INVALID",
      `no hygge project found in ${where}${target ? "" : " or its parents"}`,
      {
        subject: where,
        hint: "Create one with `hygge init`, or point to one with `--project DIR` (looked for hygge.yml, hygge.yaml, .hyggerc*, hygge.config.{js,mjs,ts} and a `hygge` key in package.json).",
      },
    );
  }
  return { file: result.filepath, dir: path.dirname(result.filepath), config: result.config ?? {} };
}

function globalConfig(file: string): boolean {
  // cosmiconfig's "global" strategy also looks in ~/.config/hygge: a project must be a folder of its own.
  return file.includes(`${path.sep}.config${path.sep}hygge${path.sep}`);
}

function configLoadError(error: unknown, where: string): HyggeError {
  return new HyggeError("CONFIG_INVALID", `could not load the project file: ${errorMessage(error)}`, {
    subject: displayPath(where),
    cause: error,
    hint: "Fix the file named above.",
  });
}

/** A path as users should see it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

/** Replaces absolute paths under the working directory in a message by relative ones. */
export function shortenPaths(text: string): string {
  return text.split(`${process.cwd()}${path.sep}`).join("");
}
