import { z } from "zod";
import { parseDuration } from "../flow/timeouts.js";
import { ON_SCHEMA_CHANGE } from "../schema/change.js";

/** A `home:` or `store:` block: `type` picks the plugin, the rest is checked by that plugin's schema. */
export const pluginBlockSchema = z.looseObject({
  type: z
    .string()
    .min(1, "type must name a home/store type, e.g. parquet")
    .describe("The home or store type, from a loaded plugin: parquet, csv, ndjson, postgres, mssql, duckdb…"),
});
/** Entity-level overrides of a block: `type` optional, everything else checked after merging. */
const blockOverrideSchema = z.looseObject({
  type: z
    .string()
    .min(1)
    .optional()
    .describe("The home or store type; usually left to the flow, whose block this one is deep-merged over."),
});

const keyList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const watermarkSchema = z.strictObject({
  watermark_column: z
    .string()
    .min(1)
    .describe(
      "The column whose largest committed value is the resume point: each incremental or merge run reads rows with a value >= it, e.g. updated_at.",
    ),
  primary_key: keyList
    .optional()
    .describe(
      "Key column(s) that tell apart the rows sharing the watermark value, so each is loaded once: `id` or `[order_id, line]`. Wins over the primary_key of the same level, also as merge's key.",
    ),
  /** Most primary keys kept for the rows sharing the watermark value (default 10000). */
  max_boundary_keys: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "Most primary keys remembered for the rows sharing the last watermark value (default 10000). Past it, merge re-reads those rows next time; incremental fails without publishing.",
    ),
  /** Re-read this far before the watermark (run_type merge): "3 days", "PT6H", or a number for integer columns. */
  lookback: z
    .union([z.string().min(1), z.number().min(0)])
    .optional()
    .describe(
      'Re-read this far before the watermark, for rows that arrive late: "3 days", "6 hours", "PT6H" (no months or years), or a number for integer columns. Only with run_type merge and a primary_key.',
    ),
});

export const runTypeSchema = z
  .enum(["full_drop", "incremental", "merge"])
  .describe(
    "full_drop (default): replace the destination with everything the home reads; incremental: append (with a watermark, only rows at or after the last committed value); merge: upsert by primary_key. `hygge go --full-drop` / `--incremental` override it for one run.",
  );

/** What incremental and merge runs do when the source's columns change (schema/change.ts). */
export const onSchemaChangeSchema = z
  .enum(ON_SCHEMA_CHANGE)
  .describe(
    "What incremental and merge runs do when the source's columns change: append_new_columns (default: add new columns, widen types, keep dropped columns with nulls), sync_all_columns (also drop columns gone from the source, SQL), fail, or ignore (new columns are not written). Narrower or incompatible types are always refused.",
  );

/** `engine: duckdb`, `engine: { type: duckdb, threads: 2 }`, or `false` (the batch loop, overriding a wider level). */
export const engineSchema = z
  .union([z.literal(false), z.string().min(1), z.looseObject({ type: z.string().min(1) })])
  .describe(
    "A native engine for file-to-file flows, from a plugin (`duckdb` from @hygge/duckdb), or `{ type: duckdb, ...its options }`. It runs only where its copy is proven exact; other runs use hygge's own batch loop and the summary says why. `false` turns it off for a flow or an entity.",
  );

const isDuration = (value: number | string) => {
  try {
    return parseDuration(value) > 0;
  } catch {
    return false;
  }
};
/** Seconds (`90`), a number with a unit (`"500ms"`, `"30s"`, `"5m"`, `"2h"`), or `"none"`. */
export const durationSchema = z
  .union([z.number(), z.string()])
  .refine(isDuration, 'a duration: seconds (90), "500ms", "30s", "5m", "2h", or "none" for no bound');

/** How long each plugin call may take (documented in ARCHITECTURE.md, flow/timeouts.ts). */
export const timeoutsSchema = z.strictObject({
  create: durationSchema
    .optional()
    .describe("Bound of building the home/store from its options (default 1m)."),
  open: durationSchema
    .optional()
    .describe(
      "Bound of opening the store, which first repairs what a crashed run left behind (default 10m).",
    ),
  committed_state: durationSchema
    .optional()
    .describe("Bound of reading the committed resume point back from the store (default 5m)."),
  estimate: durationSchema
    .optional()
    .describe("Bound of the home's row estimate; the run goes on without it (default 1m)."),
  read: durationSchema.optional().describe("Bound of the home producing one batch (default 1h)."),
  write: durationSchema.optional().describe("Bound of the store taking one batch (default 1h)."),
  commit: durationSchema.optional().describe("Bound of publishing the data and the state (default 6h)."),
  abort: durationSchema.optional().describe("Bound of undoing a failed or cancelled run (default 5m)."),
  close: durationSchema
    .optional()
    .describe(
      "Bound of closing the home, store and reader, and at project level the shared connection pools (default 1m).",
    ),
  cancel: durationSchema
    .optional()
    .describe(
      "After a failure or Ctrl-C, how long a running call may finish before abort/close go ahead; a commit still running then is reported COMMIT_UNKNOWN (default 5s).",
    ),
  notice: durationSchema
    .optional()
    .describe(
      'How long a call may take before it is reported as slow ("waiting for …"), then every 10 s (default 5s).',
    ),
});

const DESCRIPTIONS = {
  watermark:
    "Makes incremental and merge runs resume: `{ watermark_column: updated_at, primary_key: id }`. Each run reads rows at or after the last committed value and skips the ones already loaded.",
  primary_key:
    "Key column(s), `id` or `[order_id, line]`: the key run_type merge upserts by, and the key that tells apart rows sharing the watermark value. watermark.primary_key, set on the same level, wins for both.",
  timeouts:
    'Bounds of plugin calls, per key: seconds (90), "500ms", "30s", "5m", "2h", or "none". The most specific level wins per key: entity, defaults, flow, options.timeouts.',
  enabled: "false leaves it out of every run (`hygge go`, `debug`, `--dry-run`). Default true.",
};

const entityFields = {
  home: blockOverrideSchema
    .optional()
    .describe(
      "Home options of this entity, deep-merged over the flow's `home` and `defaults.home`, e.g. `{ table: sales.orders }`.",
    ),
  store: blockOverrideSchema
    .optional()
    .describe(
      "Store options of this entity, deep-merged over the flow's `store` and `defaults.store`, e.g. `{ compression: zstd }`.",
    ),
  run_type: runTypeSchema.optional(),
  watermark: watermarkSchema.optional().describe(DESCRIPTIONS.watermark),
  primary_key: keyList.optional().describe(DESCRIPTIONS.primary_key),
  on_schema_change: onSchemaChangeSchema.optional(),
  engine: engineSchema.optional(),
  enabled: z.boolean().optional().describe(DESCRIPTIONS.enabled),
  timeouts: timeoutsSchema.optional().describe(DESCRIPTIONS.timeouts),
};

export const entitySchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "entity names use letters, digits, _ . - and no path separators")
    .refine((name) => !name.includes(".."), "entity names may not contain '..'")
    .describe(
      "The entity's name (letters, digits, _ . -), replacing {entity} in paths, tables and queries; the run is named <flow>.<name>. In an entity file it defaults to the file name.",
    ),
  ...entityFields,
});

export const entityDefaultsSchema = z.strictObject(entityFields);

export const flowSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Informational only: a flow is named by its folder under flows/ (or its key under `flows:` in hygge.yml), which this does not change.",
    ),
  description: z
    .string()
    .optional()
    .describe("Free text for people reading the project; hygge does not use it."),
  home: pluginBlockSchema.describe(
    "Where the data comes from: `type` (parquet, csv, ndjson, postgres, mssql, duckdb…) and that type's options. {entity} is replaced by each entity's name.",
  ),
  store: pluginBlockSchema.describe(
    "Where the data goes: `type` (parquet, csv, ndjson, postgres, mssql, duckdb…) and that type's options. {entity} is replaced by each entity's name.",
  ),
  run_type: runTypeSchema.optional(),
  watermark: watermarkSchema.optional().describe(DESCRIPTIONS.watermark),
  primary_key: keyList.optional().describe(DESCRIPTIONS.primary_key),
  on_schema_change: onSchemaChangeSchema.optional(),
  engine: engineSchema.optional(),
  defaults: entityDefaultsSchema
    .optional()
    .describe(
      "Settings every entity of the flow starts from: home and store options are deep-merged (flow, then defaults, then the entity); other keys: the entity's wins, then defaults, then the flow's.",
    ),
  entities: z
    .array(z.union([entitySchema.shape.name, entitySchema]))
    .optional()
    .describe(
      "The entities (tables, file sets) the flow moves, each one run: names (`[orders, customers]`), objects with a name and their own settings, or patterns (`sales.*`, `!sales.tmp_*` to exclude) matched against what the home holds when the plan is built. At least one. Files in entities/ add to or refine this list.",
    ),
  enabled: z.boolean().optional().describe(DESCRIPTIONS.enabled),
  timeouts: timeoutsSchema.optional().describe(DESCRIPTIONS.timeouts),
});

export const connectionSchema = z.looseObject({
  type: z.string().min(1).describe("The connection type, from a loaded plugin: postgres, mssql, s3, azure…"),
});

export const projectOptionsSchema = z.strictObject({
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe(
      "Entities run at once, across all flows: 1 to 256, default 4. `hygge go --concurrency N` overrides it.",
    ),
  continue_on_error: z
    .boolean()
    .optional()
    .describe(
      "Default true: a failed entity does not stop the others. false: after a failure, entities not yet started are skipped (reported as skipped; the run exits 1).",
    ),
  retries: z
    .number()
    .int()
    .min(0)
    .max(20)
    .optional()
    .describe(
      "Retries of an entity after a transient failure (dropped connection, deadlock, throttling, a timed-out read or write): 0 to 20, default 2. Each retry starts the entity over from its last commit.",
    ),
  retry_delay_ms: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "Wait before the first retry in milliseconds, default 1000; it doubles with each retry (at most 30 s), with ±20% jitter.",
    ),
  queue_size: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .optional()
    .describe(
      "Batches buffered between an entity's home and its store: 1 to 1024, default 4. Memory per entity grows with queue_size × batch size.",
    ),
  timeouts: timeoutsSchema
    .optional()
    .describe(
      'Project-wide bounds of plugin calls (flows, defaults and entities may override each key): seconds (90), "500ms", "30s", "5m", "2h", or "none".',
    ),
});

export const projectSchema = z.strictObject({
  name: z.string().min(1).optional().describe("The project's name, shown in output. Default: hygge."),
  $schema: z
    .string()
    .optional()
    .describe(
      "Path or URL of a JSON Schema for editors (`hygge schema --out .hygge/schema` writes them); hygge ignores it.",
    ),
  plugins: z
    .array(z.string().min(1))
    .optional()
    .describe(
      "Plugins to load: first-party short names (parquet, csv, json, sql, s3, azure, duckdb), package names, or paths relative to the project folder. Default: the first-party plugins the project's types and URLs need.",
    ),
  connections: z
    .record(z.string(), connectionSchema)
    .optional()
    .describe(
      "Named connections (databases, object storage) that homes and stores use with `connection: <name>`, e.g. `warehouse: { type: postgres, url: ${PG_URL} }`.",
    ),
  options: projectOptionsSchema
    .optional()
    .describe("How runs behave: concurrency, retries, queue size, timeouts."),
  flows_dir: z
    .string()
    .optional()
    .describe(
      "Folder holding one sub-folder per flow (flows/<flow>/flow.yml, flows/<flow>/entities/*.yml), relative to the project folder. Default: flows; a folder set here must exist.",
    ),
  journal: z
    .union([
      z.literal(false),
      z.strictObject({
        path: z
          .string()
          .optional()
          .describe("Folder of the journal (relative to the project folder). Default: .hygge."),
      }),
    ])
    .optional()
    .describe(
      "Where runs are recorded for `hygge history` (and the project lock lives): default `.hygge/` in the project folder; `{ path: state }` elsewhere; false keeps no journal.",
    ),
  flows: z
    .record(
      z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, "flow names use letters, digits, _ and -"),
      flowSchema,
    )
    .optional()
    .describe("Flows defined inline, by name; usually each flow has its own flows/<flow>/flow.yml instead."),
});

export type EntityConfig = z.input<typeof entitySchema>;
export type FlowConfig = z.input<typeof flowSchema>;
export type ProjectConfig = z.input<typeof projectSchema>;
export type ProjectOptions = z.input<typeof projectOptionsSchema>;
export type PluginBlock = z.input<typeof pluginBlockSchema>;
export type TimeoutsConfig = z.input<typeof timeoutsSchema>;
