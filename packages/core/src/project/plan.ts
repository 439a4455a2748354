import { coerceToSchema } from "../config/coerce.js";
import { type ConfigIssue, zodIssues } from "../config/issues.js";
import { deepMerge } from "../config/merge.js";
import { type entitySchema, type FlowConfig, type ProjectConfig, projectSchema } from "../config/schema.js";
import type { RunType } from "../contracts/common.js";
import type { ResolvedConnection } from "../contracts/plugin.js";
import type { WatermarkSpec } from "../contracts/watermark.js";
import { type FlowTimeouts, timeoutsFromConfig } from "../flow/timeouts.js";
import type { Registry } from "../registry.js";
import { DEFAULT_ON_SCHEMA_CHANGE, type OnSchemaChange } from "../schema/change.js";
import { expandPatterns, type FlowDiscovery, originalEntityPath, splitEntityPatterns } from "./expand.js";
import { mergeLevels } from "./merge-levels.js";
import { configError, lookbackIssues, relocate, typeIssue } from "./plan-issues.js";
import type { ProjectSources } from "./sources.js";

export { configError } from "./plan-issues.js";

export interface BlockPlan {
  type: string;
  plugin: string;
  /** Options as validated by the plugin's schema (without `type`). */
  options: Record<string, unknown>;
}

/** One unit of work: a (flow, entity) pair with everything resolved. */
export interface EntityRun {
  /** `<flow>` or `<flow>.<entity>`: the name used in output and filters. */
  id: string;
  flow: string;
  entity?: string;
  home: BlockPlan;
  store: BlockPlan;
  runType: RunType;
  watermark?: WatermarkSpec;
  primaryKey?: string[];
  /** `on_schema_change` (entity over defaults over flow; default append_new_columns). */
  onSchemaChange?: OnSchemaChange;
  /** Bounds of plugin calls set in the project (ms; entity over defaults over flow over options). */
  timeouts?: Partial<FlowTimeouts>;
  /** `engine:` (entity over defaults over flow): a native engine for file-to-file copies. */
  engine?: BlockPlan;
  /** The `entities:` pattern (`sales.*`) this entity came from; unset for entities listed by name. */
  pattern?: string;
}

export interface ResolvedOptions {
  concurrency: number;
  continueOnError: boolean;
  retries: number;
  retryDelayMs: number;
  queueSize: number;
  /** `options.timeouts`: the project-wide bounds (also used when closing shared connection pools). */
  timeouts: Partial<FlowTimeouts>;
}

export interface ProjectPlan {
  name: string;
  options: ResolvedOptions;
  connections: Record<string, ResolvedConnection>;
  runs: EntityRun[];
  /** What planning skipped and says so (a discovered name that cannot be an entity). */
  warnings?: string[];
}

export const DEFAULT_OPTIONS: ResolvedOptions = {
  concurrency: 4,
  continueOnError: true,
  retries: 2,
  retryDelayMs: 1000,
  queueSize: 4,
  timeouts: {},
};

export interface PlanOptions {
  sources?: ProjectSources;
  /** Force a run type for every entity (`--full-drop` / `--incremental`). */
  runType?: RunType;
  /**
   * Flow name → what its home answered for the flow's `entities:` patterns (see
   * `planProjectWithDiscovery`, which asks the homes). A flow with patterns and no answer here is
   * a CONFIG_INVALID.
   */
  discovery?: Record<string, FlowDiscovery>;
}

const asList = (v: string | string[] | undefined) =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

/**
 * Validates a whole project (skeleton, then each block with its plugin's schema) and expands it
 * into one EntityRun per (flow, entity). Every problem is collected; one CONFIG_INVALID error
 * lists them all. `entities:` patterns are matched against `options.discovery`.
 */
export function planProject(
  input: ProjectConfig,
  registry: Registry,
  options: PlanOptions = {},
): ProjectPlan {
  const sources = options.sources ?? {};
  const split = splitEntityPatterns(input);
  const parsed = projectSchema.safeParse(coerceToSchema(projectSchema, split.project), { reportInput: true });
  if (!parsed.success)
    throw configError(
      zodIssues(projectSchema, parsed.error, { file: sources.project }).map((issue) =>
        relocate({ ...issue, path: originalEntityPath(issue.path, split.indexes) }, sources, input),
      ),
    );
  const project = parsed.data;
  const issues: ConfigIssue[] = [];
  const connections = planConnections(project, registry, sources.project, issues);

  const projectTimeouts = timeoutsFromConfig(project.options?.timeouts);
  const runs: EntityRun[] = [];
  const warnings: string[] = [];
  for (const [flowName, flow] of Object.entries(project.flows ?? {})) {
    if (flow.enabled === false) continue;
    const flowFile = sources.flows?.[flowName] ?? sources.project;
    const before = issues.length;
    const found = options.discovery?.[flowName];
    if (found && "skipped" in found) continue; // not selected by --flow/--entity: not asked, not planned
    const entities = flowEntities(
      flowName,
      flow,
      split.patterns[flowName],
      options,
      flowFile,
      issues,
      warnings,
    );
    if (entities.length === 0 && issues.length === before) {
      issues.push(noEntitiesIssue(flowName, flowFile));
      // Its other problems are reported now too, not one by one after each fix.
      planEntity(
        flowName,
        flow,
        { name: flowName },
        registry,
        connections,
        { flow: flowFile },
        options,
        issues,
      );
    }
    const seen = new Set<string>();
    for (const entity of entities) {
      if (seen.has(entity.name)) {
        issues.push({ file: flowFile, path: `entities.${entity.name}`, message: "entity listed twice" });
        continue;
      }
      seen.add(entity.name);
      if (entity.enabled === false) continue;
      const entityFile = sources.entities?.[`${flowName}.${entity.name}`];
      const files = { flow: flowFile, entity: entityFile };
      const run = planEntity(flowName, flow, entity, registry, connections, files, options, issues);
      if (run) {
        const timeouts = {
          ...projectTimeouts,
          ...timeoutsFromConfig(flow.timeouts),
          ...timeoutsFromConfig(flow.defaults?.timeouts),
          ...timeoutsFromConfig(entity.timeouts),
        };
        const planned = entity.pattern ? { ...run, pattern: entity.pattern } : run;
        runs.push(Object.keys(timeouts).length > 0 ? { ...planned, timeouts } : planned);
      }
    }
  }
  if (issues.length > 0) throw configError(issues);

  const o = project.options ?? {};
  return {
    name: project.name ?? "hygge",
    options: {
      concurrency: o.concurrency ?? DEFAULT_OPTIONS.concurrency,
      continueOnError: o.continue_on_error ?? DEFAULT_OPTIONS.continueOnError,
      retries: o.retries ?? DEFAULT_OPTIONS.retries,
      retryDelayMs: o.retry_delay_ms ?? DEFAULT_OPTIONS.retryDelayMs,
      queueSize: o.queue_size ?? DEFAULT_OPTIONS.queueSize,
      timeouts: projectTimeouts,
    },
    connections,
    runs,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function planEntity(
  flowName: string,
  flow: FlowConfig,
  entity: EntityConfigParsed,
  registry: Registry,
  connections: Record<string, ResolvedConnection>,
  files: { flow?: string; entity?: string },
  options: PlanOptions,
  issues: ConfigIssue[],
): EntityRun | undefined {
  const file = files.entity ?? files.flow;
  // An issue belongs to the entity file only when the key it is about was set there.
  const fileOf = (kind: "home" | "store", key: string | undefined) =>
    files.entity && key !== undefined && entity[kind] && key in entity[kind]! ? files.entity : files.flow;
  const defaults = flow.defaults ?? {};
  const id = `${flowName}.${entity.name}`;
  const blocks: Partial<Record<"home" | "store", BlockPlan>> = {};
  for (const kind of ["home", "store"] as const) {
    const levels = [flow[kind], defaults[kind], entity[kind]];
    const type = deepMerge<{ type?: string }>(...levels).type;
    try {
      const entry = kind === "home" ? registry.home(type ?? "") : registry.store(type ?? "");
      const { type: _, ...rest } = mergeLevels<{ type?: string }>(levels, entry.definition.alternatives);
      const result = entry.definition.options.safeParse(coerceToSchema(entry.definition.options, rest), {
        reportInput: true,
      });
      if (!result.success) {
        for (const issue of zodIssues(entry.definition.options, result.error, { prefix: [kind] })) {
          issues.push({ ...issue, file: fileOf(kind, issue.path.split(/[.[]/)[1]) });
        }
        continue;
      }
      for (const key of ["connection"]) {
        const name = (result.data as Record<string, unknown>)[key];
        if (typeof name === "string" && !(name in connections)) {
          issues.push({
            file: fileOf(kind, key),
            path: `${kind}.${key}`,
            message: `unknown connection "${name}"`,
            hint: `connections declared in hygge.yml: ${Object.keys(connections).join(", ") || "none"}`,
          });
        }
      }
      blocks[kind] = { type: type!, plugin: entry.plugin, options: result.data as Record<string, unknown> };
    } catch (error) {
      issues.push(typeIssue(error, fileOf(kind, "type"), [kind, "type"], `flow ${flowName}`));
    }
  }
  const runType = options.runType ?? entity.run_type ?? defaults.run_type ?? flow.run_type ?? "full_drop";
  const wm = entity.watermark ?? defaults.watermark ?? flow.watermark;
  // The most specific level that names a key wins; within a level the watermark's key first.
  const keyAt = (
    level: { primary_key?: string | string[]; watermark?: { primary_key?: string | string[] } } | undefined,
  ) => level?.watermark?.primary_key ?? level?.primary_key;
  const primaryKey = asList(keyAt(entity) ?? keyAt(defaults) ?? keyAt(flow));
  if (!blocks.home || !blocks.store) return undefined;
  const storeDef = registry.store(blocks.store.type).definition;
  if (!storeDef.runTypes.includes(runType)) {
    issues.push({
      file,
      path: "run_type",
      message: `store type "${blocks.store.type}" does not support run_type ${runType} (entity ${id})`,
      hint: `it supports: ${storeDef.runTypes.join(", ")}`,
    });
  }
  if (runType === "merge" && !primaryKey) {
    issues.push({ file, path: "primary_key", message: `run_type merge needs a primary_key (entity ${id})` });
  }
  if (wm) issues.push(...lookbackIssues(wm.lookback, runType, file, id));
  const engine = planEngine(entity.engine ?? defaults.engine ?? flow.engine, registry, file, id, issues);
  return {
    id,
    flow: flowName,
    entity: entity.name,
    home: blocks.home,
    store: blocks.store,
    runType,
    watermark: wm
      ? {
          column: wm.watermark_column,
          primaryKey: primaryKey ?? [],
          ...(wm.max_boundary_keys !== undefined ? { maxBoundaryKeys: wm.max_boundary_keys } : {}),
          ...(wm.lookback !== undefined ? { lookback: wm.lookback } : {}),
        }
      : undefined,
    primaryKey,
    onSchemaChange:
      entity.on_schema_change ??
      defaults.on_schema_change ??
      flow.on_schema_change ??
      DEFAULT_ON_SCHEMA_CHANGE,
    ...(engine ? { engine } : {}),
  };
}

/** `engine:` resolved to its plugin and validated by the engine's own options (`false`: none). */
function planEngine(
  value: FlowConfig["engine"],
  registry: Registry,
  file: string | undefined,
  id: string,
  issues: ConfigIssue[],
): BlockPlan | undefined {
  if (value === undefined || value === false) return undefined;
  const { type, ...rest } = typeof value === "string" ? { type: value } : value;
  try {
    const entry = registry.engine(type);
    const result = entry.definition.options.safeParse(coerceToSchema(entry.definition.options, rest), {
      reportInput: true,
    });
    if (result.success)
      return { type, plugin: entry.plugin, options: result.data as Record<string, unknown> };
    for (const issue of zodIssues(entry.definition.options, result.error, { prefix: ["engine"] }))
      issues.push({ ...issue, file });
  } catch (error) {
    issues.push(typeIssue(error, file, ["engine", "type"], `entity ${id}`));
  }
  return undefined;
}

type EntityConfigParsed = (typeof entitySchema)["_output"] & { pattern?: string };

/** Connections validated by their plugin's schema; problems go to `issues`. */
export function planConnections(
  project: ProjectConfig,
  registry: Registry,
  file: string | undefined,
  issues: ConfigIssue[],
): Record<string, ResolvedConnection> {
  const connections: Record<string, ResolvedConnection> = {};
  for (const [name, conn] of Object.entries(project.connections ?? {})) {
    const { type, ...rest } = conn;
    try {
      const entry = registry.connection(type);
      const result = entry.definition.options.safeParse(coerceToSchema(entry.definition.options, rest), {
        reportInput: true,
      });
      if (!result.success) {
        issues.push(
          ...zodIssues(entry.definition.options, result.error, { file, prefix: ["connections", name] }),
        );
      } else connections[name] = { name, type, options: result.data as Record<string, unknown> };
    } catch (error) {
      issues.push(typeIssue(error, file, ["connections", name, "type"]));
    }
  }
  return connections;
}

/**
 * A flow's entities: the ones listed by name (objects with a name are exact names too), then the
 * ones its patterns select from what the home holds. A name listed explicitly wins over a pattern.
 */
function flowEntities(
  flowName: string,
  flow: FlowConfig,
  patterns: readonly string[] | undefined,
  options: PlanOptions,
  file: string | undefined,
  issues: ConfigIssue[],
  warnings: string[],
): EntityConfigParsed[] {
  const listed: EntityConfigParsed[] = (flow.entities ?? []).map((e) =>
    typeof e === "string" ? { name: e } : e,
  );
  if (!patterns?.length) return listed;
  const found = options.discovery?.[flowName];
  if (!found) {
    issues.push({
      file,
      path: "entities",
      message: `patterns (${patterns.join(", ")}) need the home's list of entities, and none was asked for`,
      hint: "Plan the project with prepareProject or planProjectWithDiscovery, which ask the home (planProject alone opens nothing).",
    });
    return listed;
  }
  if ("issues" in found) {
    issues.push(...found.issues);
    return listed;
  }
  if ("skipped" in found) return listed;
  const explicit = new Set(listed.map((e) => e.name));
  return [...listed, ...expandPatterns(patterns, found, explicit, file, flowName, issues, warnings)];
}

function noEntitiesIssue(flowName: string, file: string | undefined): ConfigIssue {
  return {
    file,
    path: "entities",
    message: `flow ${flowName} lists no entities: each entity is one run of the flow, so nothing would run`,
    hint: `Add "entities: [orders, customers]" (one name per table, folder or file set: {entity} in the home and store is replaced by it), patterns such as "sales.*" for a home that can list its tables, or one file per entity under flows/${flowName}/entities/. A flow that reads one thing names it once: "entities: [${flowName}]".`,
  };
}
