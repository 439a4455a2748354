import { coerceToSchema } from "../config/coerce.js";
import { type ConfigIssue, formatIssue, formatPath, zodIssues } from "../config/issues.js";
import { deepMerge } from "../config/merge.js";
import { type entitySchema, type FlowConfig, type ProjectConfig, projectSchema } from "../config/schema.js";
import type { RunType } from "../contracts/common.js";
import type { ResolvedConnection } from "../contracts/plugin.js";
import type { WatermarkSpec } from "../contracts/watermark.js";
import { HyggeError, isHyggeError } from "../errors.js";
import { parseDuration } from "../flow/lookback.js";
import { type FlowTimeouts, timeoutsFromConfig } from "../flow/timeouts.js";
import type { Registry } from "../registry.js";
import { DEFAULT_ON_SCHEMA_CHANGE, type OnSchemaChange } from "../schema/change.js";
import type { ProjectSources } from "./sources.js";

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
}

const asList = (v: string | string[] | undefined) =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

/**
 * Validates a whole project (skeleton, then each block with its plugin's schema) and expands it
 * into one EntityRun per (flow, entity). Every problem is collected; one CONFIG_INVALID error
 * lists them all.
 */
export function planProject(
  input: ProjectConfig,
  registry: Registry,
  options: PlanOptions = {},
): ProjectPlan {
  const sources = options.sources ?? {};
  const parsed = projectSchema.safeParse(coerceToSchema(projectSchema, input), { reportInput: true });
  if (!parsed.success)
    throw configError(
      zodIssues(projectSchema, parsed.error, { file: sources.project }).map((issue) =>
        relocate(issue, sources, input),
      ),
    );
  const project = parsed.data;
  const issues: ConfigIssue[] = [];

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
          ...zodIssues(entry.definition.options, result.error, {
            file: sources.project,
            prefix: ["connections", name],
          }),
        );
      } else connections[name] = { name, type, options: result.data as Record<string, unknown> };
    } catch (error) {
      issues.push(typeIssue(error, sources.project, ["connections", name, "type"]));
    }
  }

  const projectTimeouts = timeoutsFromConfig(project.options?.timeouts);
  const runs: EntityRun[] = [];
  for (const [flowName, flow] of Object.entries(project.flows ?? {})) {
    if (flow.enabled === false) continue;
    const flowFile = sources.flows?.[flowName] ?? sources.project;
    const entities = flow.entities?.map((e) => (typeof e === "string" ? { name: e } : e));
    const seen = new Set<string>();
    for (const entity of entities ?? [undefined]) {
      if (entity) {
        if (seen.has(entity.name)) {
          issues.push({ file: flowFile, path: `entities.${entity.name}`, message: "entity listed twice" });
          continue;
        }
        seen.add(entity.name);
        if (entity.enabled === false) continue;
      }
      const entityFile = entity ? sources.entities?.[`${flowName}.${entity.name}`] : undefined;
      const files = { flow: flowFile, entity: entityFile };
      const run = planEntity(flowName, flow, entity, registry, connections, files, options, issues);
      if (run) {
        const timeouts = {
          ...projectTimeouts,
          ...timeoutsFromConfig(flow.timeouts),
          ...timeoutsFromConfig(flow.defaults?.timeouts),
          ...timeoutsFromConfig(entity?.timeouts),
        };
        runs.push(Object.keys(timeouts).length > 0 ? { ...run, timeouts } : run);
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
  };
}

function planEntity(
  flowName: string,
  flow: FlowConfig,
  entity: (typeof entitySchema)["_output"] | undefined,
  registry: Registry,
  connections: Record<string, ResolvedConnection>,
  files: { flow?: string; entity?: string },
  options: PlanOptions,
  issues: ConfigIssue[],
): EntityRun | undefined {
  const file = files.entity ?? files.flow;
  // An issue belongs to the entity file only when the key it is about was set there.
  const fileOf = (kind: "home" | "store", key: string | undefined) =>
    files.entity && key !== undefined && entity?.[kind] && key in entity[kind]! ? files.entity : files.flow;
  const defaults = flow.defaults ?? {};
  const id = entity ? `${flowName}.${entity.name}` : flowName;
  const blocks: Partial<Record<"home" | "store", BlockPlan>> = {};
  for (const kind of ["home", "store"] as const) {
    const merged = deepMerge<{ type?: string }>(flow[kind], defaults[kind], entity?.[kind]);
    const { type, ...rest } = merged;
    try {
      const entry = kind === "home" ? registry.home(type ?? "") : registry.store(type ?? "");
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
  const runType = options.runType ?? entity?.run_type ?? defaults.run_type ?? flow.run_type ?? "full_drop";
  const wm = entity?.watermark ?? defaults.watermark ?? flow.watermark;
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
  const engine = planEngine(entity?.engine ?? defaults.engine ?? flow.engine, registry, file, id, issues);
  return {
    id,
    flow: flowName,
    entity: entity?.name,
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
      entity?.on_schema_change ??
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

/**
 * `watermark.lookback` re-reads rows already loaded: only a store that upserts by primary key
 * (run_type merge) can do that without duplicating them. A text lookback must be a duration.
 */
function lookbackIssues(
  lookback: string | number | undefined,
  runType: RunType,
  file: string | undefined,
  id: string,
): ConfigIssue[] {
  if (lookback === undefined) return [];
  const path = "watermark.lookback";
  if (runType === "incremental") {
    return [
      {
        file,
        path,
        message: `lookback re-reads rows already loaded, and run_type incremental appends them again (entity ${id})`,
        hint: "Use run_type merge with a primary_key (re-read rows are upserted by key), or remove watermark.lookback.",
      },
    ];
  }
  if (
    typeof lookback === "string" &&
    parseDuration(lookback) === undefined &&
    !/^\s*\d+\s*$/.test(lookback)
  ) {
    return [
      {
        file,
        path,
        message: `"${lookback}" is not a duration (entity ${id})`,
        hint: 'Write a duration such as "3 days", "6 hours", "90 minutes" or "PT6H" (no months or years), or a number for an integer watermark column.',
      },
    ];
  }
  return [];
}

function typeIssue(
  error: unknown,
  file: string | undefined,
  path: PropertyKey[],
  where?: string,
): ConfigIssue {
  if (!isHyggeError(error)) throw error;
  return {
    file,
    path: formatPath(path),
    message: where ? `${error.message} (${where})` : error.message,
    hint: error.hint,
  };
}

/** Moves issues under `flows.<name>` to the flow's file, and under an entity to the entity's file. */
function relocate(issue: ConfigIssue, sources: ProjectSources, input: ProjectConfig): ConfigIssue {
  const m = /^flows\.([^.[]+)(?:\.(.*))?$/.exec(issue.path);
  if (!m) return issue;
  const flow = m[1]!;
  const e = /^entities\[(\d+)\](?:\.(.*))?$/.exec(m[2] ?? "");
  if (e) {
    const item = input.flows?.[flow]?.entities?.[Number(e[1])];
    const name = typeof item === "string" ? item : (item as { name?: unknown } | undefined)?.name;
    const file = typeof name === "string" ? sources.entities?.[`${flow}.${name}`] : undefined;
    if (file) return { ...issue, file, path: e[2] ?? "(top level)" };
  }
  const file = sources.flows?.[flow];
  if (!file) return issue;
  return { ...issue, file, path: m[2] ?? "(top level)" };
}

export function configError(all: ConfigIssue[]): HyggeError {
  // One bad key in a flow shows up once per entity: report it once.
  const seen = new Set<string>();
  const issues = all.filter((issue) => {
    const key = formatIssue(issue);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const lines = issues.map((issue) => `  - ${formatIssue(issue)}`);
  return new HyggeError(
    "CONFIG_INVALID",
    `${issues.length} configuration problem${issues.length === 1 ? "" : "s"}:\n${lines.join("\n")}`,
    { details: issues, hint: "Fix the keys listed above; `hygge schema` prints every valid key." },
  );
}
