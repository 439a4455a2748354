import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import {
  type ConfigIssue,
  collectSecrets,
  configError,
  deepMerge,
  entitySchema,
  HyggeError,
  isHyggeError,
  isPlainObject,
  isSecretKey,
  type ProjectConfig,
  type ProjectSources,
  substituteEnv,
  zodIssues,
} from "@hygge/core";
import { displayPath, findProject } from "./find.js";
import { parseYaml } from "./yaml.js";

export interface LoadedProject {
  /** Absolute path of the project file. */
  file: string;
  projectDir: string;
  /** The whole project as plain objects: hygge.yml with flows and entity files merged in. */
  config: ProjectConfig;
  sources: ProjectSources;
  /** Values that must never be printed. */
  secrets: Set<string>;
  /** `<flow>.<index>` → entity file, to point config issues at the right file. */
  entityFiles: Map<string, string>;
  /** What was skipped and why (an empty folder under flows/), for stderr. */
  warnings: string[];
}

type Obj = Record<string, unknown>;
const YAML_EXT = [".yml", ".yaml"];

/**
 * Finds and reads a project: hygge.yml, flows/<flow>/flow.yml, flows/<flow>/entities/<entity>.yml.
 * `${VAR}` takes its value from the environment, then from a `.env` file in the project folder.
 */
export async function loadProject(
  project: string | undefined,
  realEnv: Record<string, string | undefined> = process.env,
): Promise<LoadedProject> {
  const found = await findProject(project);
  const env = { ...readDotEnv(found.dir), ...definedOnly(realEnv) };
  const secrets = new Set<string>();
  const substitute = <T>(value: T, file: string): T =>
    substituteEnv(value, env, {
      file,
      onSubstitute: (keyPath, v) => {
        const last =
          keyPath
            .split(/[.[\]]/)
            .filter(Boolean)
            .pop() ?? "";
        if (isSecretKey(last)) secrets.add(v);
      },
    });

  const projectFile = displayPath(found.file);
  const root = substitute(asMapping(found.config, projectFile), projectFile);
  const sources: ProjectSources = { project: projectFile, flows: {}, entities: {} };
  const entityFiles = new Map<string, string>();
  const flows: Obj = { ...(isPlainObject(root.flows) ? root.flows : {}) };
  for (const name of Object.keys(flows)) sources.flows![name] = projectFile;

  const flowsDirSetting = typeof root.flows_dir === "string" ? root.flows_dir : undefined;
  const flowsDir = path.resolve(found.dir, flowsDirSetting ?? "flows");
  if (flowsDirSetting !== undefined && !isDir(flowsDir)) {
    throw configError([
      {
        file: projectFile,
        path: "flows_dir",
        message: `folder ${displayPath(flowsDir)} does not exist`,
        hint: "Create it or fix flows_dir (relative to the project folder).",
      },
    ]);
  }
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  for (const flowName of isDir(flowsDir) ? listDirs(flowsDir) : []) {
    const flowDir = path.join(flowsDir, flowName);
    const flowPath = YAML_EXT.map((ext) => path.join(flowDir, `flow${ext}`)).find((f) => fs.existsSync(f));
    if (!flowPath && isEmptyDir(flowDir)) {
      // A flow being set up (or one left behind): nothing to run, nothing to guess.
      warnings.push(
        `skipped ${displayPath(flowDir)}: an empty folder, not a flow (add flow.yml to make it one, or remove it)`,
      );
      continue;
    }
    if (!flowPath) {
      issues.push({
        file: displayPath(flowDir),
        path: "(folder)",
        message: `flow folder "${flowName}" has no flow.yml`,
        hint: `Add ${displayPath(path.join(flowDir, "flow.yml"))} or move the folder out of ${displayPath(flowsDir)}.`,
      });
      continue;
    }
    const flowFile = displayPath(flowPath);
    if (flowName in flows) {
      issues.push({
        file: flowFile,
        path: "(top level)",
        message: `flow "${flowName}" is defined twice`,
        hint: `It is also defined under flows: in ${projectFile}; keep one.`,
      });
      continue;
    }
    const flow = substitute(asMapping(readYaml(flowPath, flowFile), flowFile), flowFile);
    sources.flows![flowName] = flowFile;
    const entities: unknown[] = Array.isArray(flow.entities) ? [...flow.entities] : [];
    const entitiesDir = path.join(flowDir, "entities");
    for (const entry of isDir(entitiesDir) ? listYaml(entitiesDir) : []) {
      const entityPath = path.join(entitiesDir, entry);
      const entityFile = displayPath(entityPath);
      const name = entry.replace(/\.ya?ml$/, "");
      const content = substitute(asMapping(readYaml(entityPath, entityFile), entityFile), entityFile);
      const item: Obj = { name, ...content };
      const index = entities.findIndex((e) => e === name || (isPlainObject(e) && e.name === name));
      const at = index === -1 ? entities.length : index;
      const inline = entities[at];
      entities[at] = isPlainObject(inline) ? deepMerge(inline, item) : item;
      sources.entities![`${flowName}.${String(item.name)}`] = entityFile;
      entityFiles.set(`${flowName}.${at}`, entityFile);
    }
    issues.push(...entityIssues(entities, flowFile, flowName, entityFiles));
    flows[flowName] = entities.length > 0 || flow.entities !== undefined ? { ...flow, entities } : flow;
  }
  if (issues.length > 0) throw configError(issues);

  const config = { ...root, flows } as ProjectConfig;
  if (Object.keys(flows).length === 0 && root.flows === undefined) delete config.flows;
  collectSecrets(config, secrets);
  return { file: found.file, projectDir: found.dir, config, sources, secrets, entityFiles, warnings };
}

/** Points issues about `entities[i]` of a flow at the entity's own file when it has one. */
export function relocateEntityIssues(error: unknown, project: LoadedProject): unknown {
  if (!isHyggeError(error) || error.code !== "CONFIG_INVALID" || !Array.isArray(error.details)) return error;
  let moved = false;
  const issues = (error.details as ConfigIssue[]).map((issue) => {
    const m = /^entities\[(\d+)\](?:\.(.*))?$/.exec(issue.path);
    if (!m) return issue;
    const flow = Object.entries(project.sources.flows ?? {}).find(([, f]) => f === issue.file)?.[0];
    const file = flow === undefined ? undefined : project.entityFiles.get(`${flow}.${m[1]}`);
    if (!file) return issue;
    moved = true;
    return { ...issue, file, path: m[2] ?? "(top level)" };
  });
  return moved ? configError(issues) : error;
}

/**
 * Checks each entity object against core's entity schema, so a bad value names the entity's own
 * file (core sees the `name | entity` union and would only say "Invalid input" for the flow).
 */
function entityIssues(
  entities: unknown[],
  flowFile: string,
  flow: string,
  files: Map<string, string>,
): ConfigIssue[] {
  return entities.flatMap((entity, index) => {
    if (!isPlainObject(entity)) return [];
    const result = entitySchema.safeParse(entity, { reportInput: true });
    if (result.success) return [];
    const file = files.get(`${flow}.${index}`);
    return zodIssues(
      entitySchema,
      result.error,
      file ? { file } : { file: flowFile, prefix: ["entities", index] },
    );
  });
}

const definedOnly = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));

/**
 * The variables of `<project>/.env`, if there is one, parsed by Node's `util.parseEnv`. That parser
 * skips lines it does not understand, so each line is checked first: a malformed file is an error
 * naming the file and the line, not a variable that silently goes missing.
 */
export function readDotEnv(dir: string): Record<string, string> {
  const file = path.join(dir, ".env");
  if (!fs.existsSync(file)) return {};
  const display = displayPath(file);
  const text = readText(file, display, "Check that the file is readable, or remove it.");
  const bad = (line: number, message: string) =>
    new HyggeError("CONFIG_INVALID", `${display}:${line}: ${message}`, {
      subject: display,
      hint: "Write one variable per line as NAME=value (# starts a comment; quote values with spaces).",
    });
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      const name = line.split("=")[0]!.trim();
      // The line itself is not echoed: it may hold a secret.
      throw bad(
        i + 1,
        line.includes("=") ? `"${name}" is not a valid variable name` : "expected NAME=value, found no =",
      );
    }
    const value = m[2]!;
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== "`") continue;
    if (value.indexOf(quote, 1) !== -1) continue;
    // A quoted value may span lines; it must be closed before the file ends.
    const start = i;
    while (++i < lines.length && !lines[i]!.includes(quote));
    if (i >= lines.length)
      throw bad(start + 1, `the value of ${m[1]} opens a ${quote} quote that is never closed`);
  }
  return Object.fromEntries(
    Object.entries(parseEnv(text)).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

function readYaml(file: string, display: string): unknown {
  return parseYaml(readText(file, display, "Check that the file exists and is readable."), display);
}

/** A project file's text; a file that cannot be read is a CONFIG_INVALID naming it. */
function readText(file: string, display: string, hint: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new HyggeError("CONFIG_INVALID", `cannot read ${display}: ${(error as Error).message}`, {
      subject: display,
      cause: error,
      hint,
    });
  }
}

function asMapping(value: unknown, file: string): Obj {
  if (value === null || value === undefined) return {};
  if (isPlainObject(value)) return value;
  throw configError([
    {
      file,
      path: "(top level)",
      message: `must be a mapping of keys to values, got ${Array.isArray(value) ? "a list" : typeof value}`,
    },
  ]);
}

const isDir = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();
const listDirs = (dir: string) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort();
/** Nothing inside but hidden entries (`.gitkeep`, `.DS_Store`). */
const isEmptyDir = (dir: string) => fs.readdirSync(dir).every((name) => name.startsWith("."));
const listYaml = (dir: string) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && YAML_EXT.some((ext) => d.name.endsWith(ext)))
    .map((d) => d.name)
    .sort();
