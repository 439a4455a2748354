import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  errorMessage,
  HyggeError,
  type HyggePlugin,
  isHyggeError,
  isPlainObject,
  Registry,
} from "@hygge/core";
import { resolve as resolveModule } from "import-meta-resolve";
import { nearMiss } from "./near-miss.js";

/** First-party short names. */
export const FIRST_PARTY: Record<string, string> = {
  parquet: "@hygge/parquet",
  sql: "@hygge/sql",
  csv: "@hygge/csv",
  json: "@hygge/json",
  s3: "@hygge/s3",
  azure: "@hygge/azure",
  duckdb: "@hygge/duckdb",
};
/** Which first-party plugin provides a type (home, store, format, connection), for projects without a `plugins:` list. */
export const TYPE_PROVIDERS: Record<string, string> = {
  parquet: "parquet",
  mssql: "sql",
  postgres: "sql",
  csv: "csv",
  ndjson: "json",
  s3: "s3",
  azure: "azure",
  duckdb: "duckdb",
};
/** Which first-party storage plugin serves a URL scheme in a `path:`. */
const SCHEME_PROVIDERS: Record<string, string> = {
  s3: "s3",
  s3a: "s3",
  az: "azure",
  abfs: "azure",
  abfss: "azure",
  wasb: "azure",
  wasbs: "azure",
};

/** Where the CLI itself is installed: first-party plugins installed next to it are found from here. */
const CLI_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface LoadedPlugin {
  entry: string;
  plugin: HyggePlugin;
  /** The file it was loaded from. */
  file: string;
}

interface Attempt {
  what: string;
  result: string;
}

const isPath = (entry: string) =>
  entry.startsWith(".") || path.isAbsolute(entry) || /\.(m?js|cjs|ts)$/.test(entry);

/** Package names to try for a `plugins:` entry, in order. */
export function candidates(entry: string): string[] {
  if (FIRST_PARTY[entry]) return [FIRST_PARTY[entry]!];
  if (entry.startsWith("@") || entry.includes("/") || entry.startsWith("hygge-plugin-")) return [entry];
  return [`@hygge/${entry}`, `hygge-plugin-${entry}`, entry];
}

/** Loads every plugin named in `plugins:`, resolved from the project folder, then from the CLI's folder. */
export async function loadPlugins(entries: readonly string[], projectDir: string): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  const missing: HyggeError[] = [];
  for (const entry of entries) {
    try {
      loaded.push(await loadPlugin(entry, projectDir));
    } catch (error) {
      if (!isHyggeError(error) || error.code !== "PLUGIN_NOT_FOUND") throw error;
      missing.push(error);
    }
  }
  if (missing.length === 1) throw missing[0];
  if (missing.length > 1) {
    const unguessed = missing.filter((e) => !SUGGESTED.has(e));
    const packages = unguessed
      .filter((e) => !isPath(String(e.subject)))
      .map((e) => candidates(String(e.subject))[0]);
    const guesses = missing
      .filter((e) => SUGGESTED.has(e))
      .map((e) => `"${SUGGESTED.get(e)}" for "${e.subject}"`);
    const fix =
      guesses.length > 0 ? `Did you mean ${guesses.join(", ")}? Fix \`plugins:\` in hygge.yml. ` : "";
    const rest =
      packages.length > 0
        ? `Install ${guesses.length > 0 ? "the others" : "them"} in the project folder: npm install ${packages.join(" ")}`
        : (unguessed[0]?.hint ?? "");
    throw new HyggeError(
      "PLUGIN_NOT_FOUND",
      `${missing.length} plugins could not be loaded:\n${missing.map((e) => `  ${e.message}`).join("\n")}`,
      {
        hint: `${fix}${rest}`.trim(),
        details: missing.map((e) => ({ plugin: e.subject, attempts: e.details })),
      },
    );
  }
  return loaded;
}

export async function loadPlugin(entry: string, projectDir: string): Promise<LoadedPlugin> {
  const attempts: Attempt[] = [];
  let file: string | undefined;
  if (isPath(entry)) {
    const full = path.resolve(projectDir, entry);
    if (fs.existsSync(full)) file = full;
    else attempts.push({ what: full, result: "no such file" });
  } else {
    outer: for (const name of candidates(entry)) {
      for (const base of bases(projectDir)) {
        try {
          file = fileURLToPath(resolveModule(name, pathToFileURL(path.join(base, "/")).href));
          break outer;
        } catch (error) {
          attempts.push({ what: `${name} from ${base}`, result: reason(error) });
        }
      }
    }
  }
  if (!file) throw notFound(entry, attempts, suggestion(entry, projectDir));
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new HyggeError("PLUGIN_INVALID", `plugin "${entry}" failed to load: ${errorMessage(error)}`, {
      subject: file,
      cause: error,
      hint: "The module was found but threw while loading: fix it or reinstall the plugin.",
    });
  }
  const plugin = unwrap(mod);
  checkDefaultExport(moduleLabel(entry, file), entry, file, mod, plugin);
  try {
    new Registry([plugin as HyggePlugin]);
  } catch (error) {
    const e = error as HyggeError;
    const rest = e.message.replace(/^(invalid plugin|plugin ".*?" is invalid): /, "");
    e.message = `${moduleLabel(entry, file)} is invalid: ${rest}`;
    e.plugin ??= entry;
    e.subject ??= file;
    throw e;
  }
  return { entry, plugin: plugin as HyggePlugin, file };
}

function unwrap(mod: unknown): unknown {
  let value = mod;
  for (let i = 0; i < 2 && isObject(value) && "default" in value && !("name" in value); i++) {
    value = (value as { default: unknown }).default;
  }
  return value;
}

const isObject = (v: unknown): v is object => typeof v === "object" && v !== null;

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ERR_MODULE_NOT_FOUND") return "not installed";
  if (code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return "installed, but exports no entry point";
  return errorMessage(error).split("\n")[0] ?? "failed";
}

/** Where packages are resolved from: the project folder, then the CLI's own install. */
const bases = (projectDir: string) => [...new Set([projectDir, CLI_DIR])];

/**
 * The installed plugin a `plugins:` entry that was not found probably meant (or the file next to
 * a path). None for a first-party name that is spelled right and simply not installed.
 */
function suggestion(entry: string, projectDir: string): string | undefined {
  if (FIRST_PARTY[entry] || Object.values(FIRST_PARTY).includes(entry)) return undefined;
  const guess = nearMiss(entry, projectDir, FIRST_PARTY, isPath(entry));
  if (!guess || isPath(entry)) return guess;
  const resolves = (name: string) =>
    bases(projectDir).some((base) => {
      try {
        resolveModule(name, pathToFileURL(path.join(base, "/")).href);
        return true;
      } catch {
        return false;
      }
    });
  return candidates(guess).some(resolves) ? guess : undefined;
}

/** The near-miss a PLUGIN_NOT_FOUND error suggested, for the combined error of several. */
const SUGGESTED = new WeakMap<HyggeError, string>();

function notFound(entry: string, attempts: Attempt[], guess: string | undefined): HyggeError {
  const tried = attempts.map((a) => `    - ${a.what}: ${a.result}`).join("\n");
  const meant = guess ? ` (did you mean "${guess}"?)` : "";
  const fix = guess
    ? `Did you mean "${guess}"? It is ${isPath(entry) ? "there" : "installed"}: fix the entry in \`plugins:\` in hygge.yml. `
    : "";
  const hint = isPath(entry)
    ? `${fix}Paths in \`plugins:\` resolve against the project folder; check the path.`
    : `${fix}${guess ? `If "${entry}" is another plugin, install it` : "Install it"} in the project folder: npm install ${candidates(entry)[0]}`;
  const error = new HyggeError(
    "PLUGIN_NOT_FOUND",
    `plugin "${entry}" could not be loaded${meant}; tried:\n${tried}`,
    { subject: entry, hint, details: attempts },
  );
  if (guess) SUGGESTED.set(error, guess);
  return error;
}

/** `plugin "./x.mjs" (/abs/x.mjs)`: the entry as written, and the file it resolved to unless that is the same. */
function moduleLabel(entry: string, file: string): string {
  return entry === file ? `plugin "${entry}"` : `plugin "${entry}" (${file})`;
}

/** A module without a default export, or whose default export is not an object, is not a plugin. */
function checkDefaultExport(label: string, entry: string, file: string, mod: unknown, plugin: unknown): void {
  if (isObject(plugin) && !Array.isArray(plugin) && (plugin !== mod || "name" in plugin)) return;
  const exported = isObject(mod) ? Object.keys(mod).filter((k) => k !== "default") : [];
  const problem =
    plugin === mod
      ? `has no default export${exported.length > 0 ? ` (it exports ${exported.join(", ")})` : ""}`
      : `has a default export that is ${kindOf(plugin)}, not a plugin object`;
  throw new HyggeError("PLUGIN_INVALID", `${label} ${problem}`, {
    plugin: entry,
    subject: file,
    hint:
      typeof plugin === "function"
        ? "Export the plugin object itself, not a function: `export default { name, homes, stores }` (if the function builds the plugin, export its result)."
        : 'A plugin module\'s default export is the plugin: `export default { name: "hygge-plugin-x", homes: { … }, stores: { … } }` (CommonJS: `module.exports = { … }`).',
  });
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The first-party plugins a project without `plugins:` needs, from the types it uses. */
export function impliedPlugins(config: unknown): string[] {
  const types = new Set<string>();
  const visit = (value: unknown, key: string) => {
    if (Array.isArray(value)) for (const v of value) visit(v, key);
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) visit(v, k);
    else if (key === "type" && typeof value === "string") types.add(value);
    else if (key === "path" && typeof value === "string") {
      const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(value)?.[1]?.toLowerCase();
      if (scheme && SCHEME_PROVIDERS[scheme]) types.add(`scheme:${scheme}`);
    }
  };
  visit(config, "");
  const provider = (t: string) =>
    t.startsWith("scheme:") ? SCHEME_PROVIDERS[t.slice("scheme:".length)] : TYPE_PROVIDERS[t];
  return [...new Set([...types].map(provider).filter((p): p is string => Boolean(p)))];
}
