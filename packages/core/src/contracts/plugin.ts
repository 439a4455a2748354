import type { z } from "zod";
import type { Logger, RunType } from "./common.js";
import type { DiscoverRequest, DiscoverResult } from "./discover.js";
import type { EngineDefinition } from "./engine.js";
import type { FormatDefinition } from "./format.js";
import type { Home } from "./home.js";
import type { StorageDefinition } from "./storage.js";
import type { Store } from "./store.js";

/** Per-run shared resources (connection pools…), created once and disposed when the run ends. */
export interface ResourceScope {
  get<T>(key: string, create: () => T | Promise<T>, dispose?: (value: T) => void | Promise<void>): Promise<T>;
}

export interface ResolvedConnection {
  name: string;
  type: string;
  options: Record<string, unknown>;
}

export interface CreateContext {
  flow: string;
  entity?: string;
  /** Relative paths in options resolve against this folder. */
  projectDir: string;
  connections: Record<string, ResolvedConnection>;
  resources: ResourceScope;
  logger: Logger;
}

export interface HomeDefinition<S extends z.ZodType = z.ZodType> {
  /** Schema of the `home:` block, without `type` (core adds it). Use strict objects. */
  options: S;
  create(options: z.output<S>, ctx: CreateContext): Home | Promise<Home>;
  /** One line for summaries and `--dry-run`; must not open anything. */
  describe?(options: z.output<S>, ctx: CreateContext): string;
  /**
   * The entities these options reach, without reading data (`hygge discover`, and `entities:`
   * patterns such as `sales.*`). `ctx.entity` is unset; the options are the flow's home block,
   * validated with `discoverOptions` when given (a home whose `options` require per-entity keys
   * supplies a looser schema here).
   */
  discover?(options: z.output<S>, ctx: CreateContext, request: DiscoverRequest): Promise<DiscoverResult>;
  /** The schema `discover` validates its options with (default: `options`). */
  discoverOptions?: z.ZodType;
  /**
   * Option keys that replace one another across levels (flow, `defaults`, entity): with
   * `[["table", "query"]]`, an entity's `query:` replaces the flow's `table:` (and the reverse)
   * instead of both reaching `options`. Keys set together on one level still meet the schema.
   */
  alternatives?: readonly (readonly string[])[];
}

export interface StoreDefinition<S extends z.ZodType = z.ZodType> {
  options: S;
  create(options: z.output<S>, ctx: CreateContext): Store | Promise<Store>;
  describe?(options: z.output<S>, ctx: CreateContext): string;
  /** Run types this store supports, known before creating it (config validation). */
  runTypes: readonly RunType[];
  /**
   * Option keys that replace one another across levels (flow, `defaults`, entity): with
   * `[["table", "query"]]`, an entity's `query:` replaces the flow's `table:` (and the reverse)
   * instead of both reaching `options`. Keys set together on one level still meet the schema.
   */
  alternatives?: readonly (readonly string[])[];
}

export interface ConnectionDefinition<S extends z.ZodType = z.ZodType> {
  options: S;
}

/** A plugin module's default export: a plain object with a name. */
export interface HyggePlugin {
  name: string;
  homes?: Record<string, HomeDefinition<any>>;
  stores?: Record<string, StoreDefinition<any>>;
  connections?: Record<string, ConnectionDefinition<any>>;
  /**
   * Where bytes live (`local`, `s3`, `azure`…). A storage type is also a connection type:
   * `connections: { lake: { type: s3, … } }` is checked by the storage's `options`.
   */
  storages?: Record<string, StorageDefinition<any>>;
  /**
   * What bytes mean (`parquet`, `csv`, `ndjson`…). Each format is also a home type and a store type
   * (`type: csv`): core's file engine reads and writes it on every storage.
   */
  formats?: Record<string, FormatDefinition<any, any>>;
  /**
   * Native engines for file-to-file flows (`engine: duckdb` on a flow, its defaults or an entity):
   * used where they are exact, the batch loop everywhere else.
   */
  engines?: Record<string, EngineDefinition<any>>;
}

/** Identity helper that keeps option types inferred; `satisfies HyggePlugin` works as well. */
export function defineHome<S extends z.ZodType>(definition: HomeDefinition<S>): HomeDefinition<S> {
  return definition;
}
export function defineStore<S extends z.ZodType>(definition: StoreDefinition<S>): StoreDefinition<S> {
  return definition;
}
export function defineFormat<R extends z.ZodObject, W extends z.ZodObject>(
  definition: FormatDefinition<R, W>,
): FormatDefinition<R, W> {
  return definition;
}
export function defineEngine<S extends z.ZodType>(definition: EngineDefinition<S>): EngineDefinition<S> {
  return definition;
}
export function defineStorage<S extends z.ZodType>(definition: StorageDefinition<S>): StorageDefinition<S> {
  return definition;
}
