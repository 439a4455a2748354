import type { DiscoveredEntity } from "@hygge/core";
import type { Colors } from "../io.js";
import { formatCount, table } from "./format.js";

const count = (n: number | undefined) => (n === undefined ? "-" : formatCount(n));

/** Bytes exactly, with the unit that keeps them readable only as a suffix: `1,234,567 (1.2 MB)`. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return "-";
  const units = ["KB", "MB", "GB", "TB"];
  let v = n;
  let unit = "";
  for (const u of units) {
    if (v < 1000) break;
    v /= 1000;
    unit = u;
  }
  return unit === "" ? `${formatCount(n)} B` : `${formatCount(n)} (${v.toFixed(1)} ${unit})`;
}

/**
 * The terminal table of `hygge discover`: one line per entity (rows from statistics, files and
 * bytes for file homes, columns and how many hygge cannot read), then each unreadable column with
 * its reason and hint, and with `--columns` each entity's columns.
 */
export function renderDiscover(
  label: string,
  entities: readonly DiscoveredEntity[],
  c: Colors,
  options: { columns?: boolean },
): string {
  if (entities.length === 0) return `${label}: no entities found`;
  const files = entities.some((e) => e.files !== undefined);
  const head = [
    "ENTITY",
    "KIND",
    "EST. ROWS",
    ...(files ? ["FILES", "BYTES"] : []),
    ...(options.columns ? ["COLUMNS"] : []),
  ];
  const rows = entities.map((e) => {
    const bad = e.columns?.filter((col) => col.unreadable).length ?? 0;
    return [
      e.name,
      e.kind,
      count(e.estimatedRows),
      ...(files ? [count(e.files), formatBytes(e.bytes)] : []),
      ...(options.columns ? [`${e.columns?.length ?? "-"}${bad > 0 ? ` (${bad} unreadable)` : ""}`] : []),
    ];
  });
  const align = head.map((h) => (["EST. ROWS", "FILES", "BYTES"].includes(h) ? "r" : "l")) as ("l" | "r")[];
  const lines = [
    `${label}: ${entities.length} entit${entities.length === 1 ? "y" : "ies"}`,
    "",
    ...table([head, ...rows], align, (cell, r, col) =>
      r === 0 ? c.bold(cell) : col === head.length - 1 && /unreadable/.test(cell) ? c.yellow(cell) : cell,
    ),
  ];
  if (options.columns) {
    lines.push("", c.bold("Columns"));
    for (const e of entities) {
      const cols = (e.columns ?? []).map((col) =>
        col.unreadable ? c.red(`${col.name} ${col.sourceType} ✗`) : `${col.name} ${col.type}`,
      );
      lines.push(`  ${e.name}: ${cols.join(", ") || "(none)"}`);
    }
  }
  const unreadable = entities.flatMap((e) =>
    (e.columns ?? []).filter((col) => col.unreadable).map((col) => ({ entity: e.name, col })),
  );
  if (unreadable.length > 0) {
    lines.push("", c.bold(c.yellow(`Columns hygge cannot read (${unreadable.length})`)));
    for (const { entity, col } of unreadable) {
      lines.push(`  ${c.yellow("✗")} ${entity}.${col.name} (${col.sourceType}): ${col.unreadable!.reason}`);
      if (col.unreadable!.hint) lines.push(`      ${c.yellow("hint:")} ${col.unreadable!.hint}`);
    }
  }
  return lines.join("\n");
}
