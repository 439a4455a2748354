import { isAbsolute, resolve } from "node:path";
import type { CreateContext } from "../contracts/plugin.js";
import type { StorageRef } from "../contracts/storage.js";
import { HyggeError } from "../errors.js";
import type { Registry } from "../registry.js";
import { resolveStorage } from "./resolve.js";

/** `s3://…`, `file://…`: a URL rather than a path on the local disk. */
const URL_PATH = /^[a-z][a-z0-9+.-]+:\/\//i;

/** Refuses entity names that could leave the destination folder or clash with bookkeeping. */
export function checkEntityName(entity: string, plugin: string): void {
  const bad =
    entity.length === 0 ||
    entity === "." ||
    entity === ".." ||
    entity.startsWith(".") ||
    /[/\\\0:]/.test(entity) ||
    entity.length > 200;
  if (bad) {
    throw new HyggeError("CONFIG_INVALID", `entity name "${entity}" cannot be used as a folder name`, {
      plugin,
      entity,
      hint: "use letters, digits, '-', '_' and '.', without slashes, and not starting with a dot",
    });
  }
}

/**
 * The path (file, folder or glob) that holds an entity's data, as written by the user: `path` with
 * `{entity}` replaced, or `<path>/<entity>`, or `path` itself in a single-entity flow.
 */
export function entityPath(path: string, entity: string | undefined, plugin: string): string {
  if (entity === undefined) return path;
  checkEntityName(entity, plugin);
  if (path.includes("{entity}")) return path.split("{entity}").join(entity);
  // A URL's query (`?sv=…`) stays at the end.
  const query = URL_PATH.test(path) ? (/[?#].*$/.exec(path)?.[0] ?? "") : "";
  return `${path.slice(0, path.length - query.length).replace(/\/+$/, "")}/${entity}${query}`;
}

/**
 * The storage and key of an entity's data. `{entity}` is replaced before the path is normalised:
 * `lake/{entity}/..` must not quietly become `lake` for every entity.
 */
export async function entityLocation(
  registry: Registry,
  ctx: CreateContext,
  options: { path: string; connection?: string },
  entity: string | undefined,
  plugin: string,
): Promise<StorageRef> {
  const path = entityPath(options.path, entity, plugin);
  const ref = await resolveStorage(registry, ctx, { connection: options.connection, path });
  if (
    entity !== undefined &&
    options.path.includes("{entity}") &&
    !keepsEntity(options.path, entity, ref.path)
  ) {
    throw new HyggeError(
      "CONFIG_INVALID",
      `path "${options.path}" does not keep {entity} in the location (${ref.storage.url(ref.path)})`,
      { plugin, entity, hint: "put {entity} in a folder or file name of path, without '..' after it" },
    );
  }
  return ref;
}

/** Every segment of `template` that holds `{entity}` is, filled in, still a segment of `key`. */
function keepsEntity(template: string, entity: string, key: string): boolean {
  const segments = new Set(key.split("/"));
  return (URL_PATH.test(template) ? template.replace(/[?#].*$/, "") : template)
    .split(/[/\\]/)
    .filter((segment) => segment.includes("{entity}"))
    .every((segment) => segments.has(segment.split("{entity}").join(entity)));
}

/**
 * How a location is shown before anything is opened (`describe`, `--dry-run`): the local path, the
 * URL without credentials or query, or `<connection>:<path>`.
 */
export function describeLocation(
  options: { path: string; connection?: string },
  ctx: Pick<CreateContext, "projectDir" | "entity">,
  plugin: string,
): string {
  let path = options.path;
  try {
    path = entityPath(options.path, ctx.entity, plugin);
  } catch {
    // describe never fails: the run reports a bad entity name
  }
  if (URL_PATH.test(path)) {
    try {
      const url = new URL(path);
      return `${url.protocol}//${url.host}${url.pathname}`;
    } catch {
      return path.replace(/[?#].*$/, "");
    }
  }
  if (options.connection) return `${options.connection}:${path.replace(/^\/+/, "")}`;
  return isAbsolute(path) ? resolve(path) : resolve(ctx.projectDir, path);
}

/** Names the project's own state folder (`.hygge/`) uses (journal, entity claims, the lock of older versions): a store's bookkeeping may not take them. */
const RESERVED = new Set(["runs", "locks", "lock", "lock.takeover"]);

/**
 * A store's entity folder (a key), refused when publishing there would replace the project itself
 * (full_drop moves the old folder aside), put bookkeeping over the project's journal and lock, or
 * leave no room for the bookkeeping beside it (the root of a bucket).
 */
export function checkStoreFolder(
  ref: StorageRef,
  projectDir: string,
  entity: string | undefined,
  plugin: string,
): void {
  const url = ref.storage.url(ref.path);
  if (ref.path === "")
    throw new HyggeError("CONFIG_INVALID", `store path ${url} is the root of its storage`, {
      plugin,
      entity,
      subject: url,
      hint: "write into a folder of its own (e.g. path: out, or s3://bucket/out): hygge keeps its bookkeeping beside it",
    });
  if (!ref.storage.capabilities.local) return;
  const folder = `/${ref.path}`;
  const project = resolve(projectDir);
  if (folder === project || project.startsWith(`${folder}/`) || folder === "/")
    throw new HyggeError("CONFIG_INVALID", `store path ${folder} is the project folder or contains it`, {
      plugin,
      entity,
      subject: folder,
      hint: "write into a folder of its own, e.g. path: out (a full_drop replaces the whole destination folder)",
    });
  const slash = folder.lastIndexOf("/");
  const parent = folder.slice(0, slash) || "/";
  const name = folder.slice(slash + 1);
  if (parent === project && RESERVED.has(name))
    throw new HyggeError(
      "CONFIG_INVALID",
      `store folder ${folder} would put its bookkeeping over the project's .hygge/${name}`,
      {
        plugin,
        entity,
        subject: folder,
        hint: "use another entity or folder name, or a store path below the project (e.g. path: out)",
      },
    );
}

/** The entity folder (`<key>/`) and its bookkeeping (`<parent>/.hygge/<name>/`), outside it. */
export function publishKeys(path: string): { folder: string; book: string } {
  const slash = path.lastIndexOf("/");
  const parent = slash < 0 ? "" : `${path.slice(0, slash)}/`;
  return { folder: `${path}/`, book: `${parent}.hygge/${path.slice(slash + 1)}/` };
}
