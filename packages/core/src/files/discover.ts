import { Schema } from "apache-arrow";
import { typeNameOf } from "../arrow/type-names.js";
import { type NamedSchema, unifySchemas } from "../arrow/unify.js";
import type { DiscoveredColumn, DiscoveredEntity, DiscoverRequest } from "../contracts/discover.js";
import type { FileSource } from "../contracts/format.js";
import type { CreateContext } from "../contracts/plugin.js";
import type { StorageObject } from "../contracts/storage.js";
import { HyggeError, isHyggeError } from "../errors.js";
import { entityPatternMatcher } from "../project/entity-patterns.js";
import { type FileEngine, formatContext, formatOptions, readFailed } from "./engine.js";
import { byBytes, listFiles } from "./listing.js";
import { checkEntityName, entityLocation, entityPath } from "./location.js";
import type { FileHomeOptions } from "./options.js";
import { resolveStorage } from "./resolve.js";
import { fileSource } from "./source.js";

const URL_PATH = /^[a-z][a-z0-9+.-]+:\/\//i;
const isMagic = (segment: string) => /[*?[]/.test(segment);

/** `path` as a template with `{entity}` in it: `<path>/{entity}` when the path has none. */
export function entityTemplate(path: string, plugin: string): string {
  return path.includes("{entity}") ? path : entityPath(path, "{entity}", plugin);
}

/**
 * Splits a template into the folder above its first `{entity}` (the root listed for candidates)
 * and a matcher of the segment holding it, which yields the entity name from a listed key's first
 * segment below the root. A URL's query (`?sv=…`) stays with the root.
 */
export function splitTemplate(template: string): {
  root: string;
  /** The entity name a key's first segment below the root gives, if any. */
  segment: (name: string) => string | undefined;
  /** The template goes on below `{entity}`: only keys in a folder there are candidates. */
  deeper: boolean;
} {
  const query = URL_PATH.test(template) ? (/[?#].*$/.exec(template)?.[0] ?? "") : "";
  const body = template.slice(0, template.length - query.length);
  const segments = body.split("/");
  const at = segments.findIndex((s) => s.includes("{entity}"));
  const root = segments.slice(0, at).join("/");
  if (segments.slice(0, at).some(isMagic))
    throw new HyggeError("CONFIG_INVALID", `path "${template}" has a glob before {entity}`, {
      subject: template,
      hint: "discovery lists the folder above {entity}: give a folder there (a glob may follow {entity})",
    });
  const glob = (text: string) =>
    text
      .replace(/[.+^$()|\\{}]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]");
  const parts = segments[at]!.split("{entity}").map((p) => glob(p.replace(/\[[^\]]*\]/g, "?")));
  const re = new RegExp(`^${parts[0]}(.+?)${parts.slice(1).join("\\1")}$`);
  return {
    root: `${root}${query}`,
    segment: (name) => re.exec(name)?.[1],
    deeper: segments.slice(at + 1).some((s) => s !== ""),
  };
}

/** Bookkeeping and names a home refuses (`.hygge`, `_SUCCESS`, `_temporary`…) are no entities. */
function usable(name: string, plugin: string): boolean {
  if (name.startsWith("_")) return false;
  try {
    checkEntityName(name, plugin);
    return true;
  } catch {
    return false;
  }
}

/**
 * The entities a file home's options reach: each name the `{entity}` part of `path` takes (each
 * folder or file below `path` when it has none), listed and read exactly as the home reads that
 * entity. With `columns`, each file's schema through the format, unified as the home unifies them.
 */
export async function discoverFiles(
  engine: FileEngine,
  options: FileHomeOptions,
  ctx: CreateContext,
  request: DiscoverRequest,
): Promise<DiscoveredEntity[]> {
  const { plugin, format } = engine;
  const { root, segment, deeper } = splitTemplate(entityTemplate(options.path, plugin));
  const top = await resolveStorage(engine.registry, ctx, { connection: options.connection, path: root });
  const listed = await listFiles(top.storage, top.path, format.extensions, plugin, request.signal);
  if (listed.length === 1 && listed[0]!.path === top.path)
    throw new HyggeError("CONFIG_INVALID", `path ${top.storage.url(top.path)} is a file, not a folder`, {
      plugin,
      subject: top.storage.url(top.path),
      hint: "an entity is read from <path>/<entity>: give the folder holding the entities (or put {entity} in path)",
    });
  const prefix = top.path === "" ? "" : `${top.path}/`;
  const names = new Set<string>();
  for (const object of listed) {
    const rel = object.path.slice(prefix.length).split("/");
    const name = deeper && rel.length === 1 ? undefined : segment(rel[0]!);
    if (name !== undefined && usable(name, plugin)) names.add(name);
  }
  const wanted = entityPatternMatcher(request.patterns ?? []);
  const out: DiscoveredEntity[] = [];
  for (const name of [...names].sort(byBytes)) {
    if (!wanted(name)) continue;
    if (request.signal.aborted) throw aborted(request.signal, plugin);
    const entity = await discoverEntity(engine, options, ctx, request, name);
    if (entity) out.push(entity);
  }
  return out;
}

async function discoverEntity(
  engine: FileEngine,
  options: FileHomeOptions,
  ctx: CreateContext,
  request: DiscoverRequest,
  name: string,
): Promise<DiscoveredEntity | undefined> {
  const { storage, path } = await entityLocation(engine.registry, ctx, options, name, engine.plugin);
  const objects = await listFiles(
    storage,
    path,
    engine.format.extensions,
    engine.plugin,
    request.signal,
  ).catch((error: unknown) => {
    // A name taken from a listed key whose glob below matches nothing: on object storage,
    // listFiles calls that folder missing. It is no entity of this home.
    if (isHyggeError(error) && error.code === "HOME_READ_FAILED" && /does not exist/.test(error.message))
      return [];
    throw error;
  });
  const single = objects.length === 1 && objects[0]!.path === path;
  // A file the home would read as the entity must look like the format (not README, not .csv for parquet).
  if (objects.length === 0 || (single && !engine.format.extensions.some((e) => path.endsWith(e))))
    return undefined;
  const entity: DiscoveredEntity = {
    name,
    kind: single || path.split("/").some(isMagic) ? "files" : "folder",
    files: objects.length,
    bytes: objects.reduce((sum, o) => sum + o.size, 0),
  };
  if (!request.columns) return entity;
  const sources = objects.map((o: StorageObject) => fileSource(storage, o));
  const described = await describeFiles(engine, options, ctx, request.signal, name, sources);
  return { ...entity, ...described };
}

/** Each file's schema (as the home reads it) and rows (when the format knows them cheaply). */
async function describeFiles(
  engine: FileEngine,
  options: FileHomeOptions,
  ctx: CreateContext,
  signal: AbortSignal,
  entity: string,
  sources: FileSource[],
): Promise<{ columns: DiscoveredColumn[]; estimatedRows?: number }> {
  const fopts = formatOptions(engine.format.readOptions.shape, options);
  const fctx = formatContext(ctx, signal, entity);
  const schemas: NamedSchema[] = [];
  let rows: number | undefined = 0;
  for (const source of sources) {
    if (signal.aborted) throw aborted(signal, engine.plugin);
    const schema = await engine.format
      .schema(source, fopts, fctx)
      .catch((e: unknown) => Promise.reject(readFailed(engine, source.url, e, "schema")));
    schemas.push({ schema, url: source.url });
    if (rows !== undefined) {
      const n = await engine.format.rows?.(source, fopts, fctx).catch((e: unknown) => {
        throw readFailed(engine, source.url, e, "row count");
      });
      rows = n === undefined ? undefined : rows + n;
    }
  }
  const columns = unifiedColumns(schemas, engine.plugin);
  const have = new Set(columns.map((c) => c.name));
  for (const name of engine.format.declaredColumns?.(fopts) ?? []) {
    if (have.has(name)) continue;
    columns.push({
      name,
      sourceType: "(absent)",
      unreadable: {
        reason: `\`columns\` names ${name}, which none of the ${sources.length} file${sources.length === 1 ? "" : "s"} has`,
        hint: "the names in columns: must be the files' column names",
      },
    });
  }
  return { columns, ...(rows === undefined ? {} : { estimatedRows: rows }) };
}

/**
 * The columns the home would read, unified across files by name. When the files disagree on a
 * column's type (or repeat a name), that column is unreadable with unifySchemas' own reason, and
 * the others are still described.
 */
export function unifiedColumns(schemas: readonly NamedSchema[], plugin: string): DiscoveredColumn[] {
  try {
    const unified = unifySchemas(schemas, plugin);
    return (unified?.fields ?? []).map((f) => ({
      name: f.name,
      sourceType: typeNameOf(f),
      type: typeNameOf(f),
      nullable: f.nullable,
    }));
  } catch (error) {
    if (!isHyggeError(error) || error.code !== "SCHEMA_MISMATCH") throw error;
  }
  const order: string[] = [];
  for (const { schema } of schemas)
    for (const f of schema.fields) if (!order.includes(f.name)) order.push(f.name);
  return order.map((name): DiscoveredColumn => {
    const own = schemas
      .filter((s) => s.schema.fields.some((f) => f.name === name))
      .map((s) => ({ url: s.url, schema: new Schema(s.schema.fields.filter((f) => f.name === name)) }));
    try {
      const field = unifySchemas(own, plugin)!.fields[0]!;
      const nullable = field.nullable || own.length < schemas.length;
      return { name, sourceType: typeNameOf(field), type: typeNameOf(field), nullable };
    } catch (error) {
      if (!isHyggeError(error)) throw error;
      const first = own[0]!.schema.fields[0]!;
      return {
        name,
        sourceType: typeNameOf(first),
        unreadable: { reason: error.message, ...(error.hint ? { hint: error.hint } : {}) },
      };
    }
  });
}

function aborted(signal: AbortSignal, plugin: string): HyggeError {
  return new HyggeError("ABORTED", "discovery was cancelled", { plugin, cause: signal.reason });
}
