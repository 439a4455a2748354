import { isAbsolute, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { CreateContext } from "@hygge/core";

/** DuckDB's own settings hygge passes through (`threads`, `memory_limit`). */
export interface DuckDBSettings {
  threads?: number;
  memory_limit?: string;
}

/** `:memory:` stays as it is; any other path is relative to the project folder. */
export function databasePath(path: string, projectDir: string): string {
  if (path === ":memory:") return path;
  return isAbsolute(path) ? path : resolve(projectDir, path);
}

function config(settings: DuckDBSettings): Record<string, string> {
  const out: Record<string, string> = {};
  if (settings.threads !== undefined) out.threads = String(settings.threads);
  if (settings.memory_limit !== undefined) out.memory_limit = settings.memory_limit;
  return out;
}

/**
 * The run's one DuckDB instance for a database file (DuckDB lets one process open a file once;
 * every entity of the run shares it through its own connection), closed when the run ends.
 * `:memory:` gets an instance per caller: an in-memory database is private to whoever opens it.
 */
export async function openInstance(
  ctx: CreateContext,
  path: string,
  settings: DuckDBSettings = {},
): Promise<DuckDBInstance> {
  const absolute = databasePath(path, ctx.projectDir);
  if (absolute === ":memory:") return DuckDBInstance.create(":memory:", config(settings));
  return ctx.resources.get(
    `@hygge/duckdb:${absolute}`,
    () => DuckDBInstance.create(absolute, config(settings)),
    (instance) => instance.closeSync(),
  );
}

/** A DuckDB identifier, quoted (`"a""b"`). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A DuckDB string literal (`'it''s'`), for paths in table functions, which take no parameters. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
