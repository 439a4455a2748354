export { z } from "zod";
export {
  type DryRunEntry,
  dryRun,
  type PreparedProject,
  type ProjectRunOptions,
  prepareProject,
  runProject,
} from "./api.js";
export { civilFromDays, daysFromCivil } from "./arrow/calendar.js";
export {
  EXTENSION_METADATA_KEY,
  EXTENSION_NAME_KEY,
  extensionName,
  formatUuid,
  isJsonField,
  isUuidField,
  JSON_EXTENSION,
  jsonField,
  parseUuid,
  UUID_EXTENSION,
  uuidField,
  withExtension,
} from "./arrow/extension.js";
export { exactSchemaDifference, schemaDifference, schemaFingerprint } from "./arrow/schema.js";
export {
  fieldFromTypeName,
  TYPE_NAME_HINT,
  TypeNameError,
  typeFromName,
  typeNameOf,
} from "./arrow/type-names.js";
export {
  batchBytes,
  bigIntToWords,
  cellToJson,
  formatDecimal,
  type Json,
  parseDecimal,
  toRows,
  wordsToBigInt,
} from "./arrow/values.js";
export {
  type BatchFromRowsOptions,
  batchesFromRows,
  batchFromRows,
  batchToRows,
  dateAt,
  decimalAt,
  type ExactTimestamp,
  formatIsoDate,
  formatIsoTime,
  formatIsoTimestamp,
  type InputRow,
  inferField,
  inferSchema,
  type ParsedType,
  parseField,
  parseIsoDate,
  parseIsoTime,
  parseIsoTimestamp,
  parseSchema,
  parseTypeName,
  type RebatchOptions,
  rebatch,
  type SchemaLike,
  type TemporalParse,
  timeAt,
  timestampAt,
  timestampToDate,
  UNIT_NAMES,
  type UnitName,
  valueAt,
  vectorFromValues,
} from "./authoring/index.js";
export { closest } from "./config/did-you-mean.js";
export { substituteEnv } from "./config/env.js";
export { type ConfigIssue, formatIssue, zodIssues } from "./config/issues.js";
export { projectJsonSchemas } from "./config/json-schema.js";
export { deepMerge, isPlainObject } from "./config/merge.js";
export { applyOverrides, parseScalar } from "./config/overrides.js";
export * from "./config/schema.js";
export type { CheckResult, Logger, RunType } from "./contracts/common.js";
export { RUN_TYPES, silentLogger } from "./contracts/common.js";
export type {
  DiscoveredColumn,
  DiscoveredEntity,
  DiscoverRequest,
  DiscoverResult,
} from "./contracts/discover.js";
export type { CopyFile, EngineContext, EngineDefinition, FileCopy } from "./contracts/engine.js";
export type { FileSource, FormatContext, FormatDefinition, FormatWriter } from "./contracts/format.js";
export type { Home, ReadContext } from "./contracts/home.js";
export type {
  ConnectionDefinition,
  CreateContext,
  HomeDefinition,
  HyggePlugin,
  ResolvedConnection,
  ResourceScope,
  StoreDefinition,
} from "./contracts/plugin.js";
export { defineEngine, defineFormat, defineHome, defineStorage, defineStore } from "./contracts/plugin.js";
export type {
  ReadRange,
  Storage,
  StorageCapabilities,
  StorageCreateContext,
  StorageDefinition,
  StorageLocation,
  StorageObject,
  StorageRef,
} from "./contracts/storage.js";
export type { CommitReport, CommitState, PublishedColumns, Store, WriteContext } from "./contracts/store.js";
export {
  DEFAULT_MAX_BOUNDARY_KEYS,
  type Lookback,
  type Watermark,
  type WatermarkKind,
  type WatermarkSpec,
} from "./contracts/watermark.js";
export {
  type CoordinatorOptions,
  type RunJournal,
  type RunSummary,
  runPlan,
  summarize,
} from "./coordinator.js";
export * from "./errors.js";
export { createContext, Factory } from "./factory.js";
export { faultPoint } from "./fault.js";
export { LocalStorage, localStorage } from "./files/local-storage.js";
export { cleanKey, type LocationRef, resolveStorage } from "./files/resolve.js";
export { fileSource } from "./files/source.js";
export type {
  EngineUse,
  FlowCounters,
  FlowEvent,
  FlowPhase,
  FlowReport,
  FlowStatus,
  WaitingInfo,
} from "./flow/events.js";
export { lookbackSince, parseDuration as parseLookbackDuration } from "./flow/lookback.js";
export { BoundedQueue } from "./flow/queue.js";
export { backoffDelay, type RetryPolicy, sleep } from "./flow/retry.js";
export { type FlowOptions, newRunId, runFlow } from "./flow/run-flow.js";
export type { PluginRole, PluginStep } from "./flow/steps.js";
export {
  DEFAULT_TIMEOUTS,
  type FlowTimeouts,
  formatBound,
  parseDuration,
  resolveTimeouts,
  TIMEOUT_KEYS,
  timeoutsFromConfig,
} from "./flow/timeouts.js";
export { compareCodePoints, WatermarkTracker, watermarkKind } from "./flow/watermark.js";
export { fsyncDir, writeFileAtomic } from "./journal/atomic-write.js";
export {
  type ClaimOptions,
  type ClaimTarget,
  claimEntities,
  claimFile,
  type HeldClaims,
  type HeldElsewhere,
} from "./journal/claims.js";
export { FileJournal, type JournalRecord, type JournalWatermark } from "./journal/file-journal.js";
export {
  acquireLock,
  acquireLockFile,
  type HeldLock,
  LOCK_DEFAULTS,
  type LockedDetails,
  type LockHolder,
  type LockOptions,
  type ProjectLock,
} from "./journal/lock.js";
export { type DiscoveryScope, discoverFlows, planProjectWithDiscovery } from "./project/discover-entities.js";
export { entityPatternMatcher, isEntityPattern } from "./project/entity-patterns.js";
export { type FlowDiscovery, type PatternEntity, splitEntityPatterns } from "./project/expand.js";
export { mergeLevels } from "./project/merge-levels.js";
export {
  type BlockPlan,
  configError,
  DEFAULT_OPTIONS,
  type EntityRun,
  type PlanOptions,
  type ProjectPlan,
  planProject,
  type ResolvedOptions,
} from "./project/plan.js";
export { type RunFilter, selectRuns } from "./project/select.js";
export type { ProjectSources } from "./project/sources.js";
export { Registry } from "./registry.js";
export { RunResources } from "./resources.js";
export {
  changesDestination,
  DEFAULT_ON_SCHEMA_CHANGE,
  type DecideInput,
  decideSchema,
  describeChange,
  describeRefusal,
  hasChange,
  ON_SCHEMA_CHANGE,
  type OnSchemaChange,
  type SchemaChange,
  type SchemaDecision,
  type SchemaEvolution,
  type SchemaRefusal,
  schemaRefusedError,
  type WidenedColumn,
} from "./schema/change.js";
export { type PendingSchemaChange, pendingSchemaChange } from "./schema/pending.js";
export { fieldOfRecord, type RecordedColumn, recordSchema } from "./schema/recorded.js";
export { holds, type TypeRelation, typeRelation } from "./schema/widen.js";
export { collectSecrets, isSecretKey, redact, redactConfig } from "./secrets.js";
export { commitStateOfRow, recordedColumnsOf, type StateRow } from "./state-row.js";
