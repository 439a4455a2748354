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
  const base = isAbsolute(path) ? path : resolve(projectDir, path);
  if (entity === undefined) return base;
  checkEntityName(entity);
  if (path.includes("{entity}")) return base.split("{entity}").join(entity);
  return join(base, entity);
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
