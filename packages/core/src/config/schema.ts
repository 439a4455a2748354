import { z } from "zod";
import { parseDuration } from "../flow/timeouts.js";
import { ON_SCHEMA_CHANGE } from "../schema/change.js";

/** A `home:` or `store:` block: `type` picks the plugin, the rest is checked by that plugin's schema. */
export const pluginBlockSchema = z.looseObject({
  type: z.string().min(1, "type must name a home/store type, e.g. parquet"),
});
/** Entity-level overrides of a block: `type` optional, everything else checked after merging. */
const blockOverrideSchema = z.looseObject({ type: z.string().min(1).optional() });

const keyList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const watermarkSchema = z.strictObject({
  watermark_column: z.string().min(1),
  primary_key: keyList.optional(),
  /** Most primary keys kept for the rows sharing the watermark value (default 10000). */
  max_boundary_keys: z.number().int().min(0).optional(),
  /** Re-read this far before the watermark (run_type merge): "3 days", "PT6H", or a number for integer columns. */
  lookback: z.union([z.string().min(1), z.number().min(0)]).optional(),
});

export const runTypeSchema = z.enum(["full_drop", "incremental", "merge"]);

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
  create: durationSchema.optional(),
  open: durationSchema.optional(),
  committed_state: durationSchema.optional(),
  estimate: durationSchema.optional(),
  read: durationSchema.optional(),
  write: durationSchema.optional(),
  commit: durationSchema.optional(),
  abort: durationSchema.optional(),
  close: durationSchema.optional(),
  cancel: durationSchema.optional(),
  notice: durationSchema.optional(),
});

const entityFields = {
  home: blockOverrideSchema.optional(),
  store: blockOverrideSchema.optional(),
  run_type: runTypeSchema.optional(),
  watermark: watermarkSchema.optional(),
  primary_key: keyList.optional(),
  on_schema_change: onSchemaChangeSchema.optional(),
  engine: engineSchema.optional(),
  enabled: z.boolean().optional(),
  timeouts: timeoutsSchema.optional(),
};

export const entitySchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "entity names use letters, digits, _ . - and no path separators")
    .refine((name) => !name.includes(".."), "entity names may not contain '..'"),
  ...entityFields,
});

export const entityDefaultsSchema = z.strictObject(entityFields);

export const flowSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  home: pluginBlockSchema,
  store: pluginBlockSchema,
  run_type: runTypeSchema.optional(),
  watermark: watermarkSchema.optional(),
  primary_key: keyList.optional(),
  on_schema_change: onSchemaChangeSchema.optional(),
  engine: engineSchema.optional(),
  defaults: entityDefaultsSchema.optional(),
  entities: z.array(z.union([entitySchema.shape.name, entitySchema])).optional(),
  enabled: z.boolean().optional(),
  timeouts: timeoutsSchema.optional(),
});

export const connectionSchema = z.looseObject({ type: z.string().min(1) });

export const projectOptionsSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(256).optional(),
  continue_on_error: z.boolean().optional(),
  retries: z.number().int().min(0).max(20).optional(),
  retry_delay_ms: z.number().int().min(0).optional(),
  queue_size: z.number().int().min(1).max(1024).optional(),
  timeouts: timeoutsSchema.optional(),
});

export const projectSchema = z.strictObject({
  name: z.string().min(1).optional(),
  $schema: z.string().optional(),
  plugins: z.array(z.string().min(1)).optional(),
  connections: z.record(z.string(), connectionSchema).optional(),
  options: projectOptionsSchema.optional(),
  flows_dir: z.string().optional(),
  journal: z.union([z.literal(false), z.strictObject({ path: z.string().optional() })]).optional(),
  flows: z
    .record(
      z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, "flow names use letters, digits, _ and -"),
      flowSchema,
    )
    .optional(),
});

export type EntityConfig = z.input<typeof entitySchema>;
export type FlowConfig = z.input<typeof flowSchema>;
export type ProjectConfig = z.input<typeof projectSchema>;
export type ProjectOptions = z.input<typeof projectOptionsSchema>;
export type PluginBlock = z.input<typeof pluginBlockSchema>;
export type TimeoutsConfig = z.input<typeof timeoutsSchema>;
