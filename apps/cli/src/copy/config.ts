import { createHash } from "node:crypto";
import path from "node:path";
import type { ProjectConfig } from "@hygge/core";
import type { CopyOptions } from "../commands/copy.js";
import { type Endpoint, type FileEndpoint, localFolderFormat, usage } from "./endpoints.js";
import { formatOption } from "./formats.js";
import { dbName, type FileTemplate, fileTemplate } from "./names.js";

/** The flow every copy runs as. */
export const COPY_FLOW = "copy";

/** A copy translated into a project: what `hygge go` would run for it. */
export interface CopyProject {
  config: ProjectConfig;
  /** The copy's one entity. */
  entity: string;
  /** The copy's own state folder (journal, lock): `<state>/<entity>-<key>`. */
  stateDir: string;
  /** Where the files land when the destination is a local folder (to keep the state out of it). */
  localTarget?: string;
  /** What the copy is, printable: `<from> → <to>` (no password). */
  title: string;
}

const quoteIdent = (table: string) =>
  table
    .split(".")
    .map((p) => `"${p.replace(/^"(.*)"$/, "$1").replaceAll('"', '""')}"`)
    .join(".");

const homeBlock = (from: Endpoint, format: string | undefined, t?: FileTemplate) => {
  if (from.kind === "sql")
    return {
      type: from.type,
      connection: "from",
      ...(from.table ? { table: from.table } : { query: from.query }),
    };
  if (from.kind === "duckdb")
    return {
      type: "duckdb",
      path: from.file,
      query: from.query ?? `select * from ${quoteIdent(from.table!)}`,
    };
  return { type: format!, path: t!.template };
};

const storeBlock = (
  to: Endpoint,
  format: string | undefined,
  template: string | undefined,
  replaceExisting: boolean | undefined,
) => {
  // --replace-existing: the first full_drop may replace a table or folder hygge did not publish.
  const replace = replaceExisting ? { replace_existing: true } : {};
  if (to.kind === "sql") return { type: to.type, connection: "to", table: to.table!, ...replace };
  if (to.kind === "duckdb") return { type: "duckdb", path: to.file, table: to.table!, ...replace };
  return { type: format!, path: template!, ...replace };
};

/** The source's file format: --source-format, the name's extension, or (a local folder) its files'. */
function sourceFormat(from: FileEndpoint, option: string | undefined): string {
  if (option !== undefined) return formatOption(option, "--source-format");
  const format = from.format ?? (from.local ? localFolderFormat(from) : undefined);
  if (format) return format;
  throw usage(
    `from ${from.shown}: cannot tell the files' format from the name`,
    "Name it with --source-format parquet (or csv, ndjson), or give a glob with the extension (…/*.parquet).",
  );
}

/**
 * Translates `<from>` and `<to>` into a one-flow, one-entity project. The entity is named after
 * the destination folder (file destinations: the files land in `<to>`), else after the source
 * (table or file name), else after the destination table.
 */
export function copyProject(from: Endpoint, to: Endpoint, options: CopyOptions, cwd: string): CopyProject {
  const wrongFlag = (flag: string, what: string) =>
    usage(
      `${flag} applies to ${what}`,
      `Leave ${flag} out: ${flag === "--format" ? "the destination" : "the source"} is a table.`,
    );
  if (options.sourceFormat !== undefined && from.kind !== "files")
    throw wrongFlag("--source-format", "file sources");
  if (options.format !== undefined && to.kind !== "files") throw wrongFlag("--format", "file destinations");

  const source = from.kind === "files" ? fileTemplate(from) : undefined;
  const inFormat = from.kind === "files" ? sourceFormat(from, options.sourceFormat) : undefined;
  let entity: string | undefined;
  let storePath: string | undefined;
  let outFormat: string | undefined;
  if (to.kind === "files") {
    outFormat =
      options.format !== undefined ? formatOption(options.format, "--format") : (inFormat ?? "parquet");
    if (to.format && !to.into) {
      throw usage(
        `to ${to.shown} names a file: hygge publishes a folder of part files`,
        `Give the folder to publish into (e.g. ${to.shown.replace(/\.[^./]+(\.gz)?$/i, "")}) and the format with --format ${to.format}.`,
      );
    }
    if (to.into) {
      entity = source?.name ?? dbName(from);
      if (!entity)
        throw usage(
          `to ${to.shown}: a query has no name to copy into`,
          "Name the destination folder: …/orders instead of …/.",
        );
      storePath = `${to.location}/{entity}`;
    } else {
      const target = fileTemplate(to);
      entity = target.name;
      storePath = target.template;
    }
    if (source?.file) {
      throw usage(
        `from ${from.shown} is one file: a copy to files reads a folder or a glob`,
        `Give the folder, or a glob matching the files (e.g. '${from.shown.replace(/[^/\\]+$/, "*")}${path.extname(from.shown)}'): the destination folder is named after the folder.`,
      );
    }
    if (source && source.name !== entity) {
      throw usage(
        `a file copy keeps its name: the source is "${source.name}", the destination folder "${entity}"`,
        `Name the destination folder ${source.name} (…/${source.name}), or end it with / to copy into a folder named after the source.`,
      );
    }
  } else entity = source?.name ?? dbName(from) ?? dbName(to)!;

  const runType = options.runType ?? (options.watermark ? "incremental" : "full_drop");
  const primaryKey = options.primaryKey
    ?.split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  if (options.primaryKey !== undefined && !primaryKey?.length)
    throw usage("--primary-key names no column", "Give one column or a comma list: --primary-key id,line.");
  if (runType === "merge" && !primaryKey)
    throw usage("--run-type merge needs --primary-key", "Name the key columns: --primary-key order_id.");
  const connections: Record<string, { type: string; url: string }> = {};
  if (from.kind === "sql") connections.from = { type: from.type, url: from.url };
  if (to.kind === "sql") connections.to = { type: to.type, url: to.url };

  const identity = (e: Endpoint, resolved?: string) =>
    e.kind === "sql"
      ? e.shown.replace(/^postgresql:/i, "postgres:").replace(/^sqlserver:/i, "mssql:")
      : e.kind === "duckdb"
        ? `duckdb:${e.file}?${e.table ? `table=${e.table}` : `query=${e.query}`}`
        : (resolved ?? e.location);
  const targetId = storePath?.split("{entity}").join(entity);
  const key = createHash("sha256")
    .update(`${identity(from)}\n${identity(to, targetId)}`)
    .digest("hex")
    .slice(0, 12);
  const stateRoot = path.resolve(cwd, options.state ?? ".hygge-copy");
  const stateDir = path.join(stateRoot, `${entity}-${key}`);

  const config: ProjectConfig = {
    name: COPY_FLOW,
    ...(Object.keys(connections).length > 0 ? { connections } : {}),
    options: { concurrency: 1 },
    journal: { path: stateDir },
    flows: {
      [COPY_FLOW]: {
        home: homeBlock(from, inFormat, source),
        store: storeBlock(to, outFormat, storePath, options.replaceExisting),
        run_type: runType,
        ...(options.watermark
          ? {
              watermark: {
                watermark_column: options.watermark,
                ...(primaryKey ? { primary_key: primaryKey } : {}),
              },
            }
          : primaryKey
            ? { primary_key: primaryKey }
            : {}),
        entities: [entity],
      },
    },
  };
  const localTarget = to.kind === "files" && to.local && targetId ? targetId : undefined;
  return { config, entity, stateDir, localTarget, title: `${from.shown} → ${to.shown}` };
}

/** Refuses a state folder inside the destination folder: a full_drop replaces that folder whole. */
export function checkStateOutsideTarget(project: CopyProject, stateOption: string | undefined): void {
  const target = project.localTarget;
  if (!target) return;
  const rel = path.relative(target, project.stateDir);
  if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) {
    throw usage(
      `the copy's state folder ${project.stateDir} is inside the destination ${target}`,
      `Keep the state elsewhere: --state ${stateOption === undefined ? "<dir outside the destination>" : "<another dir>"} (default ./.hygge-copy).`,
    );
  }
}
