import { z } from "zod";
import type { FormatDefinition } from "../contracts/format.js";

/** The file engine's own `home:` options; a format adds its own (`columns`, `delimiter`…). */
export const fileHomeShape = {
  /**
   * A file, a folder (every file below it whose name ends with one of the format's extensions) or
   * a glob (`*`, `**`, `?`). `{entity}` is replaced by the entity name. A URL (`s3://bucket/key`)
   * names object storage.
   */
  path: z
    .string()
    .min(1)
    .describe(
      "A file, a folder (every file of the format below it) or a glob (*, **, ?). Each entity reads <path>/<entity>, or path with {entity} replaced when it has one. A URL (s3://bucket/prefix, az://container/prefix) names object storage.",
    ),
  /** A connection of hygge.yml holding the storage (`type: s3`, `type: azure`…); `path` is inside it. */
  connection: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A connection of hygge.yml holding the files (type s3, azure…); path is then inside it. Default: the local disk, or the storage a URL path names.",
    ),
};

/** The file engine's own `store:` options, without `file_name` (its default depends on the format). */
export const fileStoreShape = {
  /** Destination folder; an entity's files go to `<path>/<entity>/` (or `<path>` in a single-entity flow). */
  path: z
    .string()
    .min(1)
    .describe(
      "Destination folder: each entity's files go to <path>/<entity>/, or to path with {entity} replaced when it has one. A URL (s3://bucket/prefix, az://container/prefix) names object storage.",
    ),
  connection: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A connection of hygge.yml holding the files (type s3, azure…); path is then inside it. Default: the local disk, or the storage a URL path names.",
    ),
  /** Start a new file after this many rows. */
  max_rows_per_file: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Start a new file after this many rows. Default: one file per run (per entity)."),
  /**
   * Let a full_drop replace files in the entity folder that hygge did not publish there (files that
   * were there before hygge's first run, or were put next to its files later). Off: such a
   * full_drop stops before touching anything.
   */
  replace_existing: z
    .boolean()
    .default(false)
    .describe(
      "Lets a full_drop replace files in the entity folder that hygge did not publish there. Default false: such a full_drop stops before touching anything, naming what is there.",
    ),
};

const fileName = z
  .string()
  .refine((v) => v.includes("{seq}"), "file_name must contain {seq} so that file names never collide")
  .refine(
    (v) => !/[/\\]/.test(v) && !v.startsWith("."),
    "file_name must be a plain file name (no folders, no leading dot)",
  );

/** `home:` options of a format's file home: the engine's and the format's read options. */
export function fileHomeOptions(format: FormatDefinition) {
  return z.strictObject({ ...format.readOptions.shape, ...fileHomeShape });
}

/**
 * `store:` options of a format's file store. `file_name` defaults to `part-{seq}` plus the
 * format's extension for the other options (`.csv.gz` when compressed…), filled in after parsing.
 */
export function fileStoreOptions(format: FormatDefinition) {
  return z
    .strictObject({
      ...format.writeOptions.shape,
      ...fileStoreShape,
      /** File name pattern; `{seq}` is required, `{entity}` and `{run}` are optional. */
      file_name: fileName
        .optional()
        .describe(
          "File name pattern: {seq} is required, {entity} and {run} are optional. Default part-{seq} plus the format's extension (.parquet, .csv.gz…).",
        ),
    })
    .transform((o) => ({
      ...o,
      file_name: o.file_name ?? `part-{seq}${format.extensionFor(pick(o, format))}`,
    }));
}

/** The format's own options out of a parsed block. */
export function pick(options: Record<string, unknown>, format: FormatDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(format.writeOptions.shape)) if (key in options) out[key] = options[key];
  return out;
}

export interface FileHomeOptions {
  path: string;
  connection?: string;
  [key: string]: unknown;
}

export interface FileStoreOptions {
  path: string;
  connection?: string;
  max_rows_per_file?: number;
  replace_existing: boolean;
  file_name: string;
  [key: string]: unknown;
}
