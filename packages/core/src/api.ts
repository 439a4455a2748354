import path from "node:path";
import type { Schema } from "apache-arrow";
import { applyOverrides } from "./config/overrides.js";
import type { ProjectConfig } from "./config/schema.js";
import type { Logger, RunType } from "./contracts/common.js";
import type { Home } from "./contracts/home.js";
import type { CreateContext, HyggePlugin } from "./contracts/plugin.js";
import type { Lookback, Watermark } from "./contracts/watermark.js";
import { type RunJournal, type RunSummary, runPlan } from "./coordinator.js";
import { errorMessage, withContext } from "./errors.js";
import { createContext, Factory } from "./factory.js";
import type { FlowEvent } from "./flow/events.js";
import { lookbackSince } from "./flow/lookback.js";
import { planProjectWithDiscovery } from "./project/discover-entities.js";
import type { EntityRun, ProjectPlan } from "./project/plan.js";
import { type RunFilter, selectRuns } from "./project/select.js";
import type { ProjectSources } from "./project/sources.js";
import { Registry } from "./registry.js";
import { RunResources } from "./resources.js";
import { DEFAULT_ON_SCHEMA_CHANGE, type OnSchemaChange, type SchemaChange } from "./schema/change.js";
import { type PendingSchemaChange, pendingSchemaChange } from "./schema/pending.js";
import { type RecordedColumn, recordSchema } from "./schema/recorded.js";

export interface ProjectRunOptions extends RunFilter {
  /** The project as plain objects: what hygge.yml plus flows/ parse into. */
  project: ProjectConfig;
  plugins: readonly HyggePlugin[];
  /** Relative paths resolve against this folder (default: the working directory). */
  projectDir?: string;
  sources?: ProjectSources;
  /** `--var` overrides: `flow.NAME.key.path=value`. */
  overrides?: readonly string[];
  /** Force a run type for every selected entity. */
  runType?: RunType;
  concurrency?: number;
  continueOnError?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: FlowEvent) => void;
  logger?: Logger;
  journal?: RunJournal;
}

export interface PreparedProject {
  registry: Registry;
  plan: ProjectPlan;
  projectDir: string;
  runs: ProjectPlan["runs"];
}

/**
 * Validates a project and selects the runs: everything `go` does before moving data. Flows with
 * `entities:` patterns ask their home what it holds (the connection pools this opens are closed
 * before it returns); a project without patterns opens nothing.
 */
export async function prepareProject(
  options: Omit<ProjectRunOptions, "onEvent" | "journal">,
): Promise<PreparedProject> {
  const registry = new Registry(options.plugins);
  const project = options.overrides?.length
    ? applyOverrides(options.project, options.overrides)
    : options.project;
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const resources = new RunResources();
  let plan: ProjectPlan;
  try {
    plan = await planProjectWithDiscovery(project, registry, {
      sources: options.sources,
      runType: options.runType,
      projectDir,
      resources,
      logger: options.logger,
      signal: options.signal,
      select: { flows: options.flows, entities: options.entities },
    });
  } finally {
    await resources.closeAll({ timeoutMs: DISCOVERY_CLOSE_MS });
  }
  const runs = selectRuns(plan.runs, options);
  return { registry, plan, runs, projectDir };
}

/** Bound on closing the pools discovery opened (the project's own `close` timeout is not known yet). */
const DISCOVERY_CLOSE_MS = 60_000;

/** Runs a project (or the selected flows/entities of it) and returns the summary. */
export async function runProject(options: ProjectRunOptions): Promise<RunSummary> {
  const prepared = await prepareProject(options);
  return runPlan({
    registry: prepared.registry,
    plan: prepared.plan,
    runs: prepared.runs,
    projectDir: prepared.projectDir,
    concurrency: options.concurrency,
    continueOnError: options.continueOnError,
    signal: options.signal,
    onEvent: options.onEvent,
    logger: options.logger,
    journal: options.journal,
  });
}

export interface DryRunEntry {
  id: string;
  flow: string;
  entity?: string;
  home: string;
  store: string;
  runType: RunType;
  watermarkColumn?: string;
  /** The journal's resume point (the last committed watermark). */
  since?: Watermark;
  /** `watermark.lookback`, when set (never for full_drop). */
  lookback?: Lookback;
  /** What the home will be asked for (`>=` its value): `since` moved back by `lookback`. Set with `lookback`. */
  homeSince?: Watermark;
  /**
   * File homes (a format's home: CSV, NDJSON, Parquet…): the columns the run will read, as hygge's
   * type names (`id int64`), declared or inferred from the first file's sample or footer.
   */
  schema?: RecordedColumn[];
  /** Why the file home's schema could not be read (no files yet, a bad sample…): the run would fail the same way. */
  schemaError?: string;
  /**
   * The change of columns the run would make (on_schema_change), when the home's schema is known
   * (file homes) and the journal holds the destination's columns from the last passed run.
   */
  schemaChange?: SchemaChange;
  /** The change the run would refuse (nothing would be written), as the run's error would say it. */
  schemaRefused?: string;
  /** The ways out of a refused change (the error's hint). */
  schemaRefusedHint?: string;
  /** `on_schema_change` of incremental and merge runs (full_drop replaces the columns). */
  onSchemaChange?: OnSchemaChange;
  /** The native engine configured (`engine:`), described; whether it runs is decided when the run starts. */
  engine?: string;
  /** The `entities:` pattern (`sales.*`) that brought this entity in; unset for entities listed by name. */
  pattern?: string;
}

/**
 * What `go` would do, per entity; creates, changes and writes nothing. File homes read what they
 * need to show their schema (a Parquet footer, a CSV or NDJSON sample); databases are not opened.
 */
export async function dryRun(
  options: Omit<ProjectRunOptions, "signal" | "onEvent"> & {
    /** The project as `prepareProject` returned it: not planned (nor its patterns discovered) again. */
    prepared?: PreparedProject;
  },
): Promise<DryRunEntry[]> {
  const prepared = options.prepared ?? (await prepareProject(options));
  const factory = new Factory(prepared.registry);
  const resources = new RunResources();
  const entries: DryRunEntry[] = [];
  try {
    for (const run of prepared.runs)
      entries.push(await dryRunEntry(prepared, factory, resources, run, options));
  } finally {
    await resources.closeAll();
  }
  return entries;
}

async function dryRunEntry(
  prepared: PreparedProject,
  factory: Factory,
  resources: RunResources,
  run: EntityRun,
  options: Omit<ProjectRunOptions, "signal" | "onEvent">,
): Promise<DryRunEntry> {
  const ctx = createContext(run, {
    projectDir: prepared.projectDir,
    connections: prepared.plan.connections,
    resources,
    logger: options.logger,
  });
  return {
    id: run.id,
    flow: run.flow,
    entity: run.entity,
    home: factory.describe("home", run.home, ctx),
    store: factory.describe("store", run.store, ctx),
    runType: run.runType,
    watermarkColumn: run.watermark?.column,
    ...(run.pattern ? { pattern: run.pattern } : {}),
    ...(run.engine ? { engine: describeEngine(prepared, run.engine) } : {}),
    ...(await resumeFrom(run, options.journal)),
    ...(run.runType === "full_drop"
      ? {}
      : { onSchemaChange: run.onSchemaChange ?? DEFAULT_ON_SCHEMA_CHANGE }),
    ...(prepared.registry.isFileHome(run.home.type)
      ? await fileColumns(factory, run, ctx, options.journal, !prepared.registry.isFileStore(run.store.type))
      : {}),
  };
}

function describeEngine(prepared: PreparedProject, engine: NonNullable<EntityRun["engine"]>) {
  try {
    return prepared.registry.engine(engine.type).definition.describe?.(engine.options) ?? engine.type;
  } catch {
    return engine.type;
  }
}

/** A file home's columns and, against the journal's last published columns, the change the run would make. */
async function fileColumns(
  factory: Factory,
  run: EntityRun,
  ctx: CreateContext,
  journal: RunJournal | undefined,
  canDrop: boolean,
): Promise<Pick<DryRunEntry, "schema" | "schemaError"> & PendingSchemaChange> {
  const found = await fileSchema(factory, run, ctx);
  if (!("schema" in found)) return found;
  const published = run.runType === "full_drop" ? undefined : await journal?.lastSchema?.(run);
  return {
    schema: recordSchema(found.schema),
    ...pendingSchemaChange(run, found.schema, published, { canDrop }),
  };
}

async function fileSchema(
  factory: Factory,
  run: EntityRun,
  ctx: CreateContext,
): Promise<{ schema: Schema } | { schemaError?: string }> {
  const controller = new AbortController();
  let home: Home | undefined;
  try {
    home = await factory.home(run.home, ctx);
    const schema = await home.schema?.({
      signal: controller.signal,
      flow: run.flow,
      entity: run.entity,
      runType: run.runType,
    });
    return schema ? { schema } : {};
  } catch (error) {
    return { schemaError: errorMessage(error).split("\n")[0] };
  } finally {
    controller.abort();
    await home?.close?.().catch(() => undefined);
  }
}

/** Where an entity would resume: the journal's watermark and, with a lookback, what the home is asked for. */
async function resumeFrom(
  run: EntityRun,
  journal: RunJournal | undefined,
): Promise<Pick<DryRunEntry, "since" | "lookback" | "homeSince">> {
  if (run.runType === "full_drop") return {};
  const since = await journal?.lastWatermark?.(run);
  const lookback = run.watermark?.lookback;
  if (lookback === undefined) return { since };
  try {
    return { since, lookback, homeSince: lookbackSince(lookback, since) };
  } catch (error) {
    throw withContext(error, "CONFIG_INVALID", { flow: run.flow, entity: run.entity });
  }
}
