import fs from "node:fs";
import { type Endpoint, type FileEndpoint, isGlob, usage } from "./endpoints.js";
import { formatOfName } from "./formats.js";

/** What core accepts as an entity name (config/schema.ts). */
const ENTITY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const isEntityName = (name: string) => ENTITY_NAME.test(name) && !name.includes("..");

/** A file endpoint as a home or store path: its name segment replaced by `{entity}`. */
export interface FileTemplate {
  /** The name the data goes by: the folder or file name. */
  name: string;
  /** The location with `{entity}` where the name was. */
  template: string;
  /** It names one file (its name keeps the extension). */
  file: boolean;
}

/**
 * Core appends the entity name to a file path unless the path holds `{entity}`: the copy's one
 * entity is named after the last segment without glob characters (`data/orders/*.csv` → orders),
 * and that segment becomes `{entity}`, so the path reads exactly what was given.
 */
export function fileTemplate(e: FileEndpoint): FileTemplate {
  const authority = e.local ? "" : (/^[a-z][a-z0-9+.-]+:\/\/[^/?#]*/i.exec(e.location)?.[0] ?? "");
  const rest = e.location.slice(authority.length);
  const q = e.local ? -1 : rest.search(/[?#]/);
  const pathPart = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? "" : rest.slice(q);
  const segments = pathPart.split("/");
  let i = segments.length - 1;
  while (i >= 0 && (segments[i] === "" || isGlob(segments[i]!))) i--;
  if (i < 0) {
    throw usage(
      `${e.shown} names no folder`,
      e.local
        ? "Give a folder or file below the root."
        : "Give a folder inside the bucket or container, e.g. s3://bucket/raw/orders.",
    );
  }
  const segment = segments[i]!;
  // One file: named with its extension (`orders.parquet`). Core keeps `{entity}` only as a whole
  // segment, so `{entity}.parquet` cannot name a file (packages/core/src/files/location.ts).
  const file =
    i === segments.length - 1 && (formatOfName(segment) !== undefined || (e.local && isFile(e.location)));
  const name = segment;
  if (!isEntityName(name)) {
    throw usage(
      `${e.shown}: "${name}" cannot name the copy (hygge names it after the folder or file)`,
      "Use a folder or file name of letters, digits, _ . and - (not starting with . or -).",
    );
  }
  segments[i] = "{entity}";
  return { name, template: `${authority}${segments.join("/")}${query}`, file };
}

const isFile = (p: string) => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

/** A database object's name as an entity name: the table without its schema, unsafe characters as `_`. */
export function tableEntityName(table: string): string {
  const last = table.split(".").pop() ?? table;
  const bare = last.replace(/^["[`](.*)["\]`]$/, "$1");
  const safe = bare.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/\.{2,}/g, "_");
  return /^[A-Za-z0-9_]/.test(safe) ? safe : `_${safe}`;
}

/** The name of a source or destination that is not a file path (`undefined` for a query). */
export function dbName(e: Endpoint): string | undefined {
  if (e.kind === "files") return undefined;
  return e.table ? tableEntityName(e.table) : undefined;
}
