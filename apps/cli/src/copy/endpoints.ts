import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HyggeError, redact } from "@hygge/core";
import { formatOfFolder, formatOfName } from "./formats.js";

/** Which argument of `hygge copy` an endpoint came from. */
export type Side = "from" | "to";

/** A database table (or query) reached through a connection URL. */
export interface SqlEndpoint {
  kind: "sql";
  type: "postgres" | "mssql";
  /** The connection URL without `table` and `query` (what the connection's `url:` accepts). */
  url: string;
  table?: string;
  query?: string;
  /** The argument as it may be printed (no password). */
  shown: string;
}

/** A table (or query) of a `.duckdb` database file. */
export interface DuckdbEndpoint {
  kind: "duckdb";
  /** Absolute path of the database file. */
  file: string;
  table?: string;
  query?: string;
  shown: string;
}

/** Files: a local file, folder or glob, or a prefix on object storage. */
export interface FileEndpoint {
  kind: "files";
  /** An absolute local path, or a URL (`s3://…`, `az://…`). */
  location: string;
  local: boolean;
  /** The format its name says (`orders.parquet`), if any. */
  format?: string;
  /** `out/`: a folder to copy into, under the source's name. */
  into: boolean;
  shown: string;
}

export type Endpoint = SqlEndpoint | DuckdbEndpoint | FileEndpoint;

/** The forms `hygge copy` accepts, for every usage error's hint. */
export const ACCEPTED_FORMS = [
  "postgres://user:password@host:5432/db?table=schema.table, or ?query=select … (also postgresql://; @hygge/sql)",
  "mssql://user:password@host:1433/db?table=dbo.table (also sqlserver://; @hygge/sql)",
  "duckdb:warehouse.duckdb?table=raw.orders, or a path ending in .duckdb (@hygge/duckdb)",
  "a local folder, file or glob: data/orders, orders.parquet, 'data/orders/*.csv', file:///abs/path (formats: parquet, csv from @hygge/csv, ndjson from @hygge/json)",
  "s3://bucket/prefix (@hygge/s3), az://container/prefix or abfss://container@account.dfs.core.windows.net/prefix (@hygge/azure)",
];
export const acceptedHint = (first?: string) =>
  `${first ? `${first} ` : ""}hygge copy accepts:\n${ACCEPTED_FORMS.map((f) => `    - ${f}`).join("\n")}`;

const URL_SCHEME = /^([a-z][a-z0-9+.-]+):\/\//i;
const SQL_SCHEMES: Record<string, SqlEndpoint["type"]> = {
  postgres: "postgres",
  postgresql: "postgres",
  mssql: "mssql",
  sqlserver: "mssql",
};
const STORAGE_SCHEMES = new Set(["s3", "s3a", "az", "abfs", "abfss", "wasb", "wasbs"]);

/**
 * True when an argument is a database connection string, whose password must be registered
 * before anything prints (other URLs' `user:password@` is masked by core's redact() anyway).
 */
export function isConnectionString(arg: string): boolean {
  const scheme = URL_SCHEME.exec(arg)?.[1]?.toLowerCase();
  return (
    (scheme !== undefined && scheme in SQL_SCHEMES) || /^\s*(server|data\s*source|address)\s*=/i.test(arg)
  );
}

/** Parses one argument of `hygge copy`: a URL, a `duckdb:` file or a local path (relative to `cwd`). */
export function parseEndpoint(arg: string, side: Side, cwd: string): Endpoint {
  const scheme = URL_SCHEME.exec(arg)?.[1]?.toLowerCase();
  if (scheme && scheme in SQL_SCHEMES) return sqlEndpoint(arg, SQL_SCHEMES[scheme]!, side);
  if (scheme === "duckdb" || (!scheme && /^duckdb:/i.test(arg)))
    return duckdbEndpoint(arg.replace(/^duckdb:(\/\/)?/i, ""), arg, side, cwd);
  if (scheme === "file") {
    let local: string;
    try {
      local = fileURLToPath(arg);
    } catch {
      throw usage(`${side} ${arg} is not a valid file:// URL`, "Write file:///absolute/path.");
    }
    return localEndpoint(local, arg, side, cwd);
  }
  if (scheme && STORAGE_SCHEMES.has(scheme)) {
    return {
      kind: "files",
      location: arg.replace(/\/+$/, ""),
      local: false,
      format: formatOfName(lastSegment(arg))?.format,
      into: arg.endsWith("/"),
      shown: redact(arg),
    };
  }
  if (scheme) throw usage(`${side}: unknown scheme ${scheme}://`, acceptedHint());
  if (/^\s*(server|data\s*source|address)\s*=/i.test(arg)) {
    throw usage(
      `${side}: hygge copy takes SQL Server as a URL, not a Server=…; connection string`,
      acceptedHint("Write mssql://user:password@host:1433/database?table=dbo.table."),
    );
  }
  const q = arg.indexOf("?");
  if (/\.duckdb$/i.test(q < 0 ? arg : arg.slice(0, q))) return duckdbEndpoint(arg, arg, side, cwd);
  return localEndpoint(arg, arg, side, cwd);
}

function sqlEndpoint(arg: string, type: SqlEndpoint["type"], side: Side): SqlEndpoint {
  const shown = redact(arg);
  const { base, params } = splitQuery(arg, shown, side);
  try {
    new URL(base);
  } catch {
    // The URL parser's message echoes the input, password included: never pass it on.
    // Nor the argument itself: where it does not parse, the password's end cannot be told.
    throw usage(
      `${side} ${/^[a-z][a-z0-9+.-]*:/i.exec(arg)?.[0] ?? ""}//… is not a valid URL`,
      acceptedHint("Percent-encode special characters in the user and password (@ as %40, / as %2F)."),
    );
  }
  const table = params.get("table") ?? undefined;
  const query = params.get("query") ?? undefined;
  params.delete("table");
  params.delete("query");
  const rest = params.toString();
  const url = rest ? `${base}?${rest}` : base;
  checkTarget(side, shown, table, query, "?table=schema.table");
  return { kind: "sql", type, url, shown, ...(table ? { table } : {}), ...(query ? { query } : {}) };
}

function duckdbEndpoint(rest: string, arg: string, side: Side, cwd: string): DuckdbEndpoint {
  const shown = redact(arg);
  const { base, params } = splitQuery(rest, shown, side);
  if (base === "") throw usage(`${side} ${shown} names no database file`, acceptedHint());
  for (const key of params.keys()) {
    if (key !== "table" && key !== "query")
      throw usage(`${side} ${shown}: unknown parameter "${key}"`, "A duckdb: file takes ?table= or ?query=.");
  }
  const table = params.get("table") ?? undefined;
  const query = params.get("query") ?? undefined;
  checkTarget(side, shown, table, query, "?table=schema.table");
  const file = path.resolve(cwd, base);
  if (side === "from" && !fs.existsSync(file))
    throw usage(`from ${shown}: no such database file ${file}`, "Check the path of the .duckdb file.");
  return { kind: "duckdb", file, shown, ...(table ? { table } : {}), ...(query ? { query } : {}) };
}

/** A source needs exactly one of table and query; a destination a table. */
function checkTarget(side: Side, shown: string, table?: string, query?: string, form = "?table=") {
  if (side === "to" && query !== undefined)
    throw usage(`to ${shown}: a destination takes ?table=, not ?query=`, acceptedHint());
  if (table !== undefined && query !== undefined)
    throw usage(`from ${shown}: give ?table= or ?query=, not both`, acceptedHint());
  if (table === undefined && query === undefined)
    throw usage(
      `${side} ${shown} names no table: add ${form}${side === "from" ? " (or ?query=select …)" : ""}`,
      acceptedHint(),
    );
  if (table === "" || query === "")
    throw usage(`${side} ${shown}: ?table= or ?query= is empty`, acceptedHint());
}

function splitQuery(arg: string, shown: string, side: Side): { base: string; params: URLSearchParams } {
  const q = arg.indexOf("?");
  const params = new URLSearchParams(q < 0 ? "" : arg.slice(q + 1));
  for (const key of new Set(params.keys())) {
    if (params.getAll(key).length > 1) throw usage(`${side} ${shown} repeats "${key}"`, acceptedHint());
  }
  return { base: q < 0 ? arg : arg.slice(0, q), params };
}

function localEndpoint(local: string, arg: string, side: Side, cwd: string): FileEndpoint {
  const location = path.resolve(cwd, local);
  const into = /[/\\]$/.test(arg) || arg === "." || arg === "..";
  const name = lastSegment(location);
  if (side === "from") {
    const fixed = location.split(path.sep).slice(0, firstGlobSegment(location)).join(path.sep);
    if (!fs.existsSync(fixed || path.sep))
      throw usage(`from ${arg}: no such file or folder (${fixed})`, acceptedHint("Check the path."));
  }
  return { kind: "files", location, local: true, format: formatOfName(name)?.format, into, shown: arg };
}

const GLOB = /[*?[\]{}]/;
export const isGlob = (segment: string) => GLOB.test(segment);

function firstGlobSegment(location: string): number {
  const parts = location.split("/");
  const i = parts.findIndex(isGlob);
  return i < 0 ? parts.length : i;
}

/** The last path segment (without a query), e.g. `orders.parquet` of `s3://lake/raw/orders.parquet`. */
export function lastSegment(location: string): string {
  const noQuery = URL_SCHEME.test(location) ? location.replace(/[?#].*$/, "") : location;
  return (
    noQuery
      .split(/[/\\]/)
      .filter((s) => s !== "")
      .pop() ?? ""
  );
}

/** The format of a local folder's files (USAGE when there are several or none). */
export function localFolderFormat(endpoint: FileEndpoint): string | undefined {
  const fixed = endpoint.location.split("/").slice(0, firstGlobSegment(endpoint.location)).join("/");
  if (fixed !== endpoint.location || !fs.statSync(endpoint.location).isDirectory()) return undefined;
  return formatOfFolder(endpoint.location, endpoint.shown);
}

export function usage(message: string, hint: string, subject?: string): HyggeError {
  return new HyggeError("USAGE", message, { hint, ...(subject ? { subject } : {}) });
}
