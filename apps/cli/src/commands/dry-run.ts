import type { DryRunEntry, Watermark } from "@hygge/core";
import { colorsFor, out } from "../io.js";
import { shortenPaths } from "../project/find.js";
import { table } from "../render/format.js";
import { pendingColumns, refusedColumns } from "../render/schema-change.js";
import { watermarkValueText } from "../watermark-text.js";

const lookbackText = (lookback: string | number) =>
  typeof lookback === "number" ? String(lookback) : lookback.trim();

const from = (e: DryRunEntry) => {
  if (e.runType === "full_drop") return "-";
  if (!e.watermarkColumn) return "append all";
  if (!e.since) {
    const later =
      e.lookback !== undefined
        ? `; lookback ${lookbackText(e.lookback)} applies once a watermark is committed`
        : "";
    return `${e.watermarkColumn}: from the start (journal${later})`;
  }
  const asked = e.homeSince ?? e.since;
  const text = `${e.watermarkColumn} >= ${watermarkValueText(asked)}`;
  if (e.lookback === undefined) return `${text} (journal)`;
  return `${text} (journal ${watermarkValueText(e.since)} minus lookback ${lookbackText(e.lookback)})`;
};

/** In JSON, boundary keys (up to `max_boundary_keys`) are counted, not listed, like in the journal. */
const counted = (w: Watermark | undefined) => {
  if (!w?.boundaryKeys) return w;
  const { boundaryKeys, ...rest } = w;
  return { ...rest, boundaryKeyCount: boundaryKeys.length };
};

/** Prints what `go` would do per entity (nothing was opened, read or written). */
export function printDryRun(project: string, entries: DryRunEntry[], json: boolean): void {
  if (json) {
    const entities = entries.map((e) => ({ ...e, since: counted(e.since), homeSince: counted(e.homeSince) }));
    out(JSON.stringify({ status: "dry-run", exitCode: 0, project, entities }, null, 2));
    return;
  }
  const c = colorsFor(process.stdout);
  const read = [
    entries.some((e) => e.schema || e.schemaError) && "file homes read a footer or a sample for their schema",
    entries.some((e) => e.pattern) && "homes listed what they hold for entities: patterns",
  ].filter(Boolean);
  out(
    `${c.bold("dry run")}: project ${project}, ${entries.length} entit${entries.length === 1 ? "y" : "ies"} would run; ${read.length > 0 ? `nothing was written (${read.join("; ")})` : "nothing was opened, read or written"}`,
  );
  const rows = entries.map((e) => [
    e.id,
    e.runType,
    `${shortenPaths(e.home)} → ${shortenPaths(e.store)}`,
    from(e),
  ]);
  out(
    table(
      [["entity", "run type", "home → store", "resume point"], ...rows],
      ["l", "l", "l", "l"],
      (cell, r) => (r === 0 ? c.dim(cell) : cell),
    ).join("\n"),
  );
  for (const line of patternLines(entries)) out(line);
  for (const e of entries) {
    if (e.schema)
      out(`${e.id} reads: ${e.schema.map((f) => `${f.name} ${f.type}`).join(", ") || "(no columns)"}`);
    else if (e.schemaError) out(c.yellow(`${e.id}: ${shortenPaths(e.schemaError)}`));
    if (e.schemaChange) out(c.yellow(`${e.id}: ${pendingColumns(e.schemaChange, e.onSchemaChange)}`));
    if (e.schemaRefused) {
      out(c.red(`${e.id}: ${refusedColumns(shortenPaths(e.schemaRefused))}`));
      if (e.schemaRefusedHint) out(`    ${c.yellow(`hint: ${e.schemaRefusedHint}`)}`);
    }
  }
  const engines = entries.filter((e) => e.engine);
  if (engines.length > 0) {
    out(
      c.dim(
        `engine ${engines[0]!.engine} for ${engines.map((e) => e.id).join(", ")}: used where the copy is exact, decided when each run starts (the summary says where it was not)`,
      ),
    );
  }
  // A database home's columns are known once it is connected: nothing is opened here.
  const unknown = entries.filter((e) => e.onSchemaChange && !e.schema && !e.schemaError);
  if (unknown.length > 0) {
    out(
      c.dim(
        `columns of ${unknown.map((e) => e.id).join(", ")} are compared with the destination's when the run starts (on_schema_change)`,
      ),
    );
  }
  if (entries.some((e) => e.runType !== "full_drop" && e.watermarkColumn)) {
    out(c.dim("resume points are the journal's; at run time each store's own committed state decides"));
  }
  const lookbacks = entries.filter((e) => e.lookback !== undefined && e.since);
  if (lookbacks.length > 0) {
    out(
      c.dim(
        `lookback: ${lookbacks.map((e) => e.id).join(", ")} read${lookbacks.length === 1 ? "s" : ""} rows already loaded again; the store's merge upserts them by primary key, so none is duplicated`,
      ),
    );
  }
}

/** `sales: "sales.*" → sales.orders, sales.customers (2)`: every entity a pattern brought in, per flow. */
function patternLines(entries: readonly DryRunEntry[]): string[] {
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    if (!e.pattern) continue;
    const key = `${e.flow}: "${e.pattern}"`;
    groups.set(key, [...(groups.get(key) ?? []), e.entity ?? e.id]);
  }
  return [...groups].map(([key, names]) => `${key} → ${names.join(", ")} (${names.length})`);
}
