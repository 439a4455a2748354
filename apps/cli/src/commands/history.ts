import type { JournalRecord, ProjectConfig } from "@hygge/core";
import { HyggeError, isPlainObject } from "@hygge/core";
import { EXIT } from "../exit.js";
import { colorsFor, out } from "../io.js";
import { formatCount, formatDuration, table } from "../render/format.js";
import { changedColumns } from "../render/schema-change.js";
import { watermarkValueText } from "../watermark-text.js";
import { openJournal } from "./run-session.js";
import { setupProject } from "./setup.js";

export interface HistoryOptions {
  project?: string;
  limit?: string;
  json?: boolean;
}

const watermarkText = (r: JournalRecord) =>
  r.watermark ? `${r.watermark.column}=${watermarkValueText(r.watermark)}` : "-";

/** `hygge history [FLOW[.ENTITY]]`: recent entity runs from the journal, newest first. */
export async function history(filter: string | undefined, options: HistoryOptions): Promise<number> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new HyggeError("USAGE", `--limit ${options.limit}: must be a whole number of at least 1`);
  }
  const setup = await setupProject(options.project);
  const journal = openJournal(setup);
  if (!journal) {
    throw new HyggeError("CONFIG_INVALID", "this project keeps no journal (journal: false in hygge.yml)", {
      subject: setup.project.sources.project,
      hint: "Remove `journal: false` to record runs.",
    });
  }
  const records = await journal.history(filter, limit);
  if (filter && records.length === 0) checkKnown(filter, setup.project.config);
  if (options.json) {
    out(JSON.stringify({ records }, null, 2));
    return EXIT.OK;
  }
  if (records.length === 0) {
    out(filter ? `no runs recorded for ${filter}` : "no runs recorded yet: run `hygge go`");
    return EXIT.OK;
  }
  const c = colorsFor(process.stdout);
  const rows = [
    ["finished", "flow", "entity", "status", "run type", "rows", "duration", "watermark", "run id"],
    ...records.map((r) => [
      r.finishedAt.replace("T", " ").replace(/\.\d+Z$/, "Z"),
      r.flow,
      r.entity ?? "-",
      r.recovered ? "PASS*" : r.status.toUpperCase(),
      r.runType,
      formatCount(r.rows),
      formatDuration(r.durationMs),
      watermarkText(r),
      r.runId,
    ]),
  ];
  const lines = table(rows, ["l", "l", "l", "l", "l", "r", "r", "l", "l"], (cell, row, col) => {
    if (row === 0) return c.bold(cell);
    if (col === 3)
      return cell.includes("FAIL") ? c.red(cell) : cell.includes("SKIP") ? c.yellow(cell) : c.green(cell);
    return cell;
  });
  out(lines.join("\n"));
  for (const r of records.filter((x) => x.schemaChange)) {
    out(`  ${changedColumns(`${r.flow}${r.entity ? `.${r.entity}` : ""} ${r.runId}`, r.schemaChange!)}`);
  }
  for (const r of records.filter((x) => x.error)) {
    out(
      c.red(
        `  ${r.flow}${r.entity ? `.${r.entity}` : ""} ${r.runId}: [${r.error!.code}] ${r.error!.message}`,
      ),
    );
  }
  if (records.some((r) => r.recovered)) {
    out(
      c.dim("  * recovered: published by the store, recorded after a crash between commit and journal write"),
    );
  }
  return EXIT.OK;
}

/** The project's flows and `FLOW.ENTITY` ids, as the config names them. */
function knownIds(config: ProjectConfig): { flows: string[]; entities: string[] } {
  const flows = Object.keys(config.flows ?? {});
  const entities = Object.entries(config.flows ?? {}).flatMap(([flow, def]) => {
    const list: unknown[] = isPlainObject(def) && Array.isArray(def.entities) ? def.entities : [];
    return list.flatMap((e) => {
      const name =
        typeof e === "string" ? e : isPlainObject(e) && typeof e.name === "string" ? e.name : undefined;
      return name === undefined ? [] : [`${flow}.${name}`];
    });
  });
  return { flows, entities };
}

/** A filter with no recorded runs that names no flow or entity of the project is a usage error. */
function checkKnown(filter: string, config: ProjectConfig): void {
  const { flows, entities } = knownIds(config);
  if (flows.includes(filter) || entities.includes(filter)) return;
  const dot = filter.indexOf(".");
  const flow = dot === -1 ? filter : filter.slice(0, dot);
  if (dot !== -1 && flows.includes(flow)) {
    const inFlow = entities.filter((id) => id.startsWith(`${flow}.`));
    throw new HyggeError("USAGE", `flow ${flow} has no entity ${filter.slice(dot + 1)}`, {
      hint: `entities of ${flow}: ${inFlow.join(", ") || "none"}`,
    });
  }
  throw new HyggeError("USAGE", `${filter} names no flow or entity of this project`, {
    hint: `flows: ${flows.join(", ") || "none"}; entities: ${entities.join(", ") || "none"}`,
  });
}
