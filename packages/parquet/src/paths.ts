import { readdir, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { HyggeError } from "@hygge/core";

const PLUGIN = "@hygge/parquet";

/** Refuses entity names that could leave the destination folder or clash with bookkeeping. */
export function checkEntityName(entity: string): void {
  const bad =
    entity.length === 0 ||
    entity === "." ||
    entity === ".." ||
    entity.startsWith(".") ||
    /[/\\\0:]/.test(entity) ||
    entity.length > 200;
  if (bad) {
    throw new HyggeError("CONFIG_INVALID", `entity name "${entity}" cannot be used as a folder name`, {
      plugin: PLUGIN,
      entity,
      hint: "use letters, digits, '-', '_' and '.', without slashes, and not starting with a dot",
    });
  }
}

/**
 * The folder (or file/glob for homes) that holds an entity's data: `path` with `{entity}`
 * replaced, or `<path>/<entity>`, or `path` itself in a single-entity flow.
 */
export function entityLocation(path: string, projectDir: string, entity: string | undefined): string {
  const at = (p: string) => (isAbsolute(p) ? resolve(p) : resolve(projectDir, p));
  if (entity === undefined) return at(path);
  checkEntityName(entity);
  if (!path.includes("{entity}")) return join(at(path), entity);
  // Replace before normalising: `lake/{entity}/..` must not quietly become `lake` for every entity.
  const location = at(path.split("{entity}").join(entity));
  if (!location.split(sep).includes(entity)) {
    throw new HyggeError(
      "CONFIG_INVALID",
      `path "${path}" does not keep {entity} in the location (${location})`,
      {
        plugin: PLUGIN,
        entity,
        hint: "put {entity} in a folder or file name of path, without '..' after it",
      },
    );
  }
  return location;
}

/** Names the project's own state folder (`.hygge/`) uses: a store's bookkeeping may not take them. */
const RESERVED = new Set(["runs", "lock", "lock.takeover"]);

/**
 * A store's destination folder, refused when publishing there would replace the project itself
 * (full_drop moves the old folder aside) or put bookkeeping over the project's journal and lock.
 */
export function storeLocation(path: string, projectDir: string, entity: string | undefined): string {
  const folder = entityLocation(path, projectDir, entity);
  const project = resolve(projectDir);
  const rel = relative(folder, project);
  if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel))) {
    throw new HyggeError("CONFIG_INVALID", `store path ${folder} is the project folder or contains it`, {
      plugin: PLUGIN,
      entity,
      subject: folder,
      hint: "write into a folder of its own, e.g. path: out (a full_drop replaces the whole destination folder)",
    });
  }
  if (dirname(folder) === project && RESERVED.has(basename(folder))) {
    throw new HyggeError(
      "CONFIG_INVALID",
      `store folder ${folder} would put its bookkeeping over the project's .hygge/${basename(folder)}`,
      {
        plugin: PLUGIN,
        entity,
        subject: folder,
        hint: "use another entity or folder name, or a store path below the project (e.g. path: out)",
      },
    );
  }
  return folder;
}

/** `<parent>/.hygge/<name>`: bookkeeping of a store writing `folder`, outside `folder`. */
export function bookkeepingDir(folder: string): string {
  return join(dirname(folder), ".hygge", basename(folder));
}

const isMagic = (s: string) => /[*?[]/.test(s);

/** Every Parquet file named by `location`, in a stable (byte-wise path) order. */
export async function listParquetFiles(location: string): Promise<string[]> {
  if (isMagic(location)) return glob(location);
  const info = await stat(location).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT")
      throw new HyggeError("HOME_READ_FAILED", `${location} does not exist`, {
        plugin: PLUGIN,
        subject: location,
        hint: "check `path` (relative paths start at the project folder)",
      });
    throw error;
  });
  if (info.isFile()) return [location];
  const out: string[] = [];
  await walk(location, (file) => file.endsWith(".parquet") && out.push(file));
  return sortPaths(out);
}

async function walk(dir: string, visit: (file: string) => unknown): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    // Hidden and underscore entries are bookkeeping (ours, Spark's _temporary, _SUCCESS…).
    if (entry.name.startsWith(".") || entry.name.startsWith("_")) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, visit);
    else if (entry.isFile()) visit(full);
  }
}

function sortPaths(paths: string[]): string[] {
  return paths.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

async function glob(pattern: string): Promise<string[]> {
  const parts = pattern.split(sep);
  const first = parts.findIndex(isMagic);
  const root = parts.slice(0, first).join(sep) || sep;
  const regex = globRegex(parts.slice(first).join("/"));
  const out: string[] = [];
  await stat(root).catch(() => {
    throw new HyggeError("HOME_READ_FAILED", `${root} (the folder of glob ${pattern}) does not exist`, {
      plugin: PLUGIN,
      subject: pattern,
      hint: "check `path`",
    });
  });
  await walk(root, (file) => regex.test(relative(root, file).split(sep).join("/")) && out.push(file));
  return sortPaths(out);
}

function globRegex(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      re += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i);
      re += end > i ? glob.slice(i, end + 1) : "\\[";
      i = Math.max(end, i);
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
