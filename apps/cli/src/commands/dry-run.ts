import type { DryRunEntry } from "@hygge/core";
import { colorsFor, out } from "../io.js";
import { shortenPaths } from "../project/find.js";
import { table } from "../render/format.js";

const from = (e: DryRunEntry) => {
  if (e.runType === "full_drop") return "-";
  if (!e.watermarkColumn) return "append all";
  return e.since
    ? `${e.watermarkColumn} >= ${e.since.value} (journal)`
    : `${e.watermarkColumn}: from the start (journal)`;
};

/** Prints what `go` would do per entity (nothing was opened, read or written). */
export function printDryRun(project: string, entries: DryRunEntry[], json: boolean): void {
  if (json) {
    out(JSON.stringify({ status: "dry-run", exitCode: 0, project, entities: entries }, null, 2));
    return;
  }
  const c = colorsFor(process.stdout);
  out(
    `${c.bold("dry run")}: project ${project}, ${entries.length} entit${entries.length === 1 ? "y" : "ies"} would run; nothing was opened, read or written`,
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
  if (entries.some((e) => e.runType !== "full_drop" && e.watermarkColumn)) {
    out(c.dim("resume points are the journal's; at run time each store's own committed state decides"));
  }
}
