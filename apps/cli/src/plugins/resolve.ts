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
    const packages = missing
      .filter((e) => !isPath(String(e.subject)))
      .map((e) => candidates(String(e.subject))[0]);
    throw new HyggeError(
      "PLUGIN_NOT_FOUND",
      `${missing.length} plugins could not be loaded:\n${missing.map((e) => `  ${e.message}`).join("\n")}`,
      {
        hint:
          packages.length > 0
            ? `Install them in the project folder: npm install ${packages.join(" ")}`
            : missing[0]!.hint,
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
    const bases = [...new Set([projectDir, CLI_DIR])];
    outer: for (const name of candidates(entry)) {
      for (const base of bases) {
        try {
          file = fileURLToPath(resolveModule(name, pathToFileURL(path.join(base, "/")).href));
          break outer;
        } catch (error) {
          attempts.push({ what: `${name} from ${base}`, result: reason(error) });
        }
      }
    }
  }
  if (!file) throw notFound(entry, attempts);
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
  try {
    new Registry([plugin as HyggePlugin]);
  } catch (error) {
    const e = error as HyggeError;
    e.message = `plugin "${entry}" (${file}): ${e.message}`;
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

function notFound(entry: string, attempts: Attempt[]): HyggeError {
  const tried = attempts.map((a) => `    - ${a.what}: ${a.result}`).join("\n");
  const hint = isPath(entry)
    ? "Paths in `plugins:` resolve against the project folder; check the path."
    : `Install it in the project folder: npm install ${candidates(entry)[0]}`;
  return new HyggeError("PLUGIN_NOT_FOUND", `plugin "${entry}" could not be loaded; tried:\n${tried}`, {
    subject: entry,
    hint,
    details: attempts,
  });
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
