import { HyggeError, type HyggeErrorCode, isHyggeError } from "@hygge/core";
import { displayQuery } from "./query.js";

export const PLUGIN = "@hygge/duckdb";

/** Who was reading what: named in every error of the home. */
export interface HomeErrorContext {
  flow: string;
  entity?: string;
  query: string;
  projectDir: string;
  /** The database file, when the home has one. */
  path?: string;
}

/** A hint for DuckDB's message, by its error class (the words before "Error:"). */
function hintFor(message: string, ctx: HomeErrorContext): string {
  if (/^IO Error/.test(message))
    return `Relative paths in the query resolve against the project folder (${ctx.projectDir}); check the path, the glob and that the files exist.`;
  if (/^Parser Error/.test(message)) return "Check the query's SQL; try it in the duckdb shell.";
  if (/^(Binder|Catalog) Error/.test(message))
    return ctx.path
      ? `Check table and column names (tables come from ${ctx.path}, files from the project folder).`
      : "Check table and column names: without path the database is empty, so read files (read_csv, read_parquet…) or give path.";
  if (/Cannot prepare multiple statements/.test(message))
    return "query must be one statement. A PIVOT without its values is several: list them (PIVOT t ON col IN ('a', 'b') USING …).";
  if (/^Out of Memory Error/.test(message))
    return "Raise memory_limit in the home's options, or lower threads.";
  if (/^Conversion Error|^Invalid Input Error/.test(message))
    return "A value did not convert: check the query's casts, or the file's format options (read_csv's columns, types…).";
  return "Run the query in the duckdb shell to see the problem.";
}

/** Where the home reads: `flow "f", entity "e"`. */
export function where(ctx: Pick<HomeErrorContext, "flow" | "entity">): string {
  return ctx.entity === undefined ? `flow "${ctx.flow}"` : `flow "${ctx.flow}", entity "${ctx.entity}"`;
}

/** A DuckDB error (or a refusal) as a HyggeError naming flow, entity, the query and what to do. */
export function homeError(
  error: unknown,
  ctx: HomeErrorContext,
  action: string,
  code: HyggeErrorCode = "HOME_READ_FAILED",
): HyggeError {
  const options = { plugin: PLUGIN, flow: ctx.flow, entity: ctx.entity };
  if (isHyggeError(error)) {
    error.plugin ??= options.plugin;
    error.flow ??= options.flow;
    error.entity ??= options.entity;
    if (!error.message.includes(where(ctx))) error.message = `duckdb home (${where(ctx)}): ${error.message}`;
    return error;
  }
  const message = String((error as { message?: unknown })?.message ?? error).trim();
  return new HyggeError(
    code,
    `duckdb home (${where(ctx)}): ${action} query "${displayQuery(ctx.query)}" failed: ${message}`,
    { ...options, subject: ctx.path ?? "query", hint: hintFor(message, ctx), cause: error },
  );
}

/** The error a read ends with when the run's signal aborted it. */
export function abortError(signal: AbortSignal, ctx: HomeErrorContext): HyggeError {
  const reason = signal.reason as unknown;
  if (isHyggeError(reason)) return reason;
  return new HyggeError("ABORTED", `duckdb home (${where(ctx)}): the read was cancelled`, {
    plugin: PLUGIN,
    flow: ctx.flow,
    entity: ctx.entity,
    cause: reason,
  });
}
