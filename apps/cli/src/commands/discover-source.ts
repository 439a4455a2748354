import fs from "node:fs";
import path from "node:path";
import {
  configError,
  deepMerge,
  type HomeDefinition,
  HyggeError,
  type HyggePlugin,
  isHyggeError,
  planProject,
  Registry,
  type ResolvedConnection,
  type RunResources,
  resolveStorage,
  silentLogger,
  zodIssues,
} from "@hygge/core";
import { impliedPlugins, type LoadedPlugin, loadPlugin } from "../plugins/resolve.js";
import type { LoadedProject } from "../project/load.js";
import { setupProject } from "./setup.js";

/** What `hygge discover <source>` lists: a home type's discover over one home block. */
export interface DiscoverSource {
  /** How the source is shown: `connection pg (postgres)`, `flow sales (parquet)`, `folder ./data (csv)`. */
  label: string;
  /** The home type whose discover runs. */
  type: string;
  definition: HomeDefinition;
  /** The home block without `type`, validated with the definition's discover options. */
  options: Record<string, unknown>;
  projectDir: string;
  connections: Record<string, ResolvedConnection>;
}

const URL_PATH = /^[a-z][a-z0-9+.-]+:\/\//i;
/** First-party plugins that read files: tried when no `--format` says which one a folder holds. */
const FILE_FORMATS = ["parquet", "csv", "ndjson"];

/** The project, or undefined when none is found and `--project` was not given (a folder still works). */
async function optionalProject(
  project: string | undefined,
): Promise<{ project: LoadedProject; plugins: LoadedPlugin[] } | undefined> {
  try {
    return await setupProject(project);
  } catch (error) {
    if (project === undefined && isHyggeError(error) && /^no hygge project found/.test(error.message))
      return undefined;
    throw error;
  }
}

/** Loads the first-party plugins a home block implies that are not loaded yet (a format, s3://…). */
async function withImplied(
  plugins: HyggePlugin[],
  blocks: Record<string, unknown>[],
  projectDir: string,
): Promise<HyggePlugin[]> {
  const out = [...plugins];
  const have = new Set(plugins.map((p) => p.name));
  for (const entry of impliedPlugins(blocks)) {
    try {
      const loaded = await loadPlugin(entry, projectDir);
      if (!have.has(loaded.plugin.name)) {
        out.push(loaded.plugin);
        have.add(loaded.plugin.name);
      }
    } catch (error) {
      if (!isHyggeError(error) || error.code !== "PLUGIN_NOT_FOUND") throw error;
      // An implied format that is not installed is only a candidate less (reported if it was asked for).
      if (blocks.length === 1) throw error;
    }
  }
  return out;
}

function discoverable(registry: Registry, type: string): HomeDefinition {
  const definition = registry.home(type).definition;
  if (definition.discover) return definition;
  const able = registry
    .entries("home")
    .filter(([, e]) => e.definition.discover)
    .map(([t]) => t);
  throw new HyggeError("USAGE", `home type ${type} cannot list what it holds (it has no discover)`, {
    subject: type,
    hint: `types that can: ${able.join(", ") || "none loaded"}`,
  });
}

function validate(definition: HomeDefinition, block: Record<string, unknown>, where: string) {
  const schema = definition.discoverOptions ?? definition.options;
  const parsed = schema.safeParse(block);
  if (!parsed.success) throw configError(zodIssues(schema, parsed.error, { prefix: [where, "home"] }));
  return parsed.data as Record<string, unknown>;
}

/**
 * The format of the files at a location: `--format`, else the loaded format whose extensions most
 * files there end with. Refused when no file has a known extension, or two formats tie.
 */
async function formatOf(
  registry: Registry,
  ctx: {
    connection?: string;
    path: string;
    projectDir: string;
    connections: Record<string, ResolvedConnection>;
  },
  resources: RunResources,
  given: string | undefined,
): Promise<string> {
  const formats = registry.entries("format");
  if (given !== undefined) {
    if (formats.some(([name]) => name === given)) return given;
    throw new HyggeError("USAGE", `--format ${given}: no loaded plugin reads that format`, {
      hint: `formats: ${formats.map(([name]) => name).join(", ") || "none (install @hygge/parquet, @hygge/csv or @hygge/json)"}`,
    });
  }
  const { storage, path: key } = await resolveStorage(
    registry,
    { connections: ctx.connections, resources, projectDir: ctx.projectDir, logger: silentLogger },
    { connection: ctx.connection, path: ctx.path },
  );
  const counts = new Map<string, number>();
  let seen = 0;
  for await (const o of storage.list(key === "" ? "" : `${key}/`)) {
    const match = formats
      .flatMap(([name, e]) => e.definition.extensions.map((ext) => ({ name, ext })))
      .filter((m) => o.path.endsWith(m.ext))
      .sort((a, b) => b.ext.length - a.ext.length)[0];
    if (match) counts.set(match.name, (counts.get(match.name) ?? 0) + 1);
    if (++seen >= 10_000) break;
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const where = storage.url(key);
  if (ranked.length === 0 || (ranked.length > 1 && ranked[0]![1] === ranked[1]![1]))
    throw new HyggeError(
      "USAGE",
      ranked.length === 0
        ? `no files of a known format under ${where}`
        : `${where} holds as many ${ranked[0]![0]} as ${ranked[1]![0]} files`,
      {
        subject: where,
        hint: `say which with --format (${formats.map(([name]) => name).join(", ") || "install a format plugin: @hygge/parquet, @hygge/csv, @hygge/json"})`,
      },
    );
  return ranked[0]![0];
}

/** The connections of the project, validated as `go` validates them (flows are not needed here). */
function projectConnections(project: LoadedProject, registry: Registry): Record<string, ResolvedConnection> {
  return planProject({ ...project.config, flows: {} }, registry, { sources: project.sources }).connections;
}

/**
 * Resolves `<source>`: a connection of the project (a database type's home, or a storage's file
 * home of `--format`), a flow (its home block merged with its defaults), or a folder or URL.
 */
export async function resolveDiscoverSource(
  source: string,
  options: { project?: string; format?: string },
  resources: RunResources,
): Promise<DiscoverSource> {
  const setup = await optionalProject(options.project);
  const projectDir = setup?.project.projectDir ?? process.cwd();
  const base = setup?.plugins.map((p) => p.plugin) ?? [];
  const config = setup?.project.config;
  const connection = config?.connections?.[source] as { type?: string } | undefined;
  const flow = config?.flows?.[source];
  const folder = URL_PATH.test(source) || fs.existsSync(path.resolve(process.cwd(), source));
  const fileCandidates = (block: Record<string, unknown>) =>
    options.format ? [{ ...block, type: options.format }] : FILE_FORMATS.map((type) => ({ ...block, type }));

  if (connection || flow || folder) {
    const home: Record<string, unknown> = flow
      ? deepMerge<Record<string, unknown>>(
          flow.home as Record<string, unknown>,
          (flow.defaults as { home?: Record<string, unknown> } | undefined)?.home,
        )
      : {};
    const storageLike = connection ? { connection: source, path: "." } : { path: source };
    const implied = connection ? [{ type: connection.type }] : flow ? [home] : [];
    const plugins = await withImplied(
      base,
      [...implied, ...(flow ? [] : fileCandidates(storageLike))],
      projectDir,
    );
    const registry = new Registry(plugins);
    const connections = setup ? projectConnections(setup.project, registry) : {};
    const scope = { projectDir, connections };
    if (flow) {
      const { type, ...block } = home as { type?: string };
      const definition = discoverable(registry, String(type));
      return {
        label: `flow ${source} (${type})`,
        type: String(type),
        definition,
        options: validate(definition, block, source),
        ...scope,
      };
    }
    const connType = connection?.type;
    if (connType && registry.entries("home").some(([t]) => t === connType)) {
      const definition = discoverable(registry, connType);
      const block = validate(definition, { connection: source }, source);
      return {
        label: `connection ${source} (${connType})`,
        type: connType,
        definition,
        options: block,
        ...scope,
      };
    }
    if (connType && !registry.entries("storage").some(([t]) => t === connType))
      throw new HyggeError(
        "USAGE",
        `connection ${source} is type ${connType}, which cannot list what it holds`,
        {
          subject: source,
          hint: `connections that can: ${
            Object.entries(config?.connections ?? {})
              .filter(([, c]) => registry.entries("home").some(([t]) => t === (c as { type: string }).type))
              .map(([n]) => n)
              .join(", ") || "none"
          }`,
        },
      );
    const format = await formatOf(registry, { ...storageLike, ...scope }, resources, options.format);
    const definition = discoverable(registry, format);
    const shown = connection ? `connection ${source}` : URL_PATH.test(source) ? source : `folder ${source}`;
    return {
      label: `${shown} (${format})`,
      type: format,
      definition,
      options: validate(definition, storageLike, source),
      ...scope,
    };
  }
  const known = [
    ...Object.keys(config?.connections ?? {}).map((n) => `connection ${n}`),
    ...Object.keys(config?.flows ?? {}).map((n) => `flow ${n}`),
  ];
  throw new HyggeError(
    "USAGE",
    `"${source}" is no connection, flow or folder${setup ? "" : " (no project found here)"}`,
    {
      subject: source,
      hint:
        known.length > 0
          ? `give one of: ${known.join(", ")}; or a folder path or URL (s3://…)`
          : "give a folder path or a URL (s3://bucket/prefix), or run it in a project to name a connection or flow",
    },
  );
}
