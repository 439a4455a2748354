import path from "node:path";
import { describeError, type FlowReport, type HyggeErrorCode, type RunSummary } from "@hygge/core";
import { type Colors, colorsFor, err, out } from "../io.js";
import { displayPath } from "../project/find.js";
import { formatCount, formatDuration, formatRate, table, wrapWords } from "./format.js";
import { changedColumns } from "./schema-change.js";

/** What to do next, per error code, when the plugin gave no hint. */
const NEXT_STEP: Partial<Record<HyggeErrorCode, string>> = {
  HOME_READ_FAILED:
    "check the source named above, then run the flow again; the destination was left unchanged",
  STORE_WRITE_FAILED: "check the destination named above, then run the flow again; it was left unchanged",
  STORE_COMMIT_FAILED: "check the destination, then run the flow again; it was left as it was before the run",
  SCHEMA_MISMATCH:
    "files of one entity are read by column name, but a column's types conflict: move the odd file aside, convert it, or split the files into separate entities",
  SCHEMA_CHANGE_REFUSED:
    "nothing was written; cast the column back to its published type in the home (a query's CAST, or `columns:` for file homes), change on_schema_change, or rebuild once with `hygge go --full-drop`",
  CONNECTION_FAILED: "check the connection settings in hygge.yml and that the server answers (`hygge debug`)",
  ABORTED: "run the flow again; the destination was left unchanged",
  COMMIT_UNKNOWN:
    "run the entity again: its store completes or rolls back the interrupted commit first; then check the result",
};

/** Where the data settled, short: the first location (relative when inside the working folder) and a count. */
export function settledIn(locations: readonly string[]): string {
  if (locations.length === 0) return "";
  const show = (l: string) => (path.isAbsolute(l) ? displayPath(l) : l);
  if (locations.length === 1) return show(locations[0]!);
  const dirs = new Set(locations.map((l) => path.dirname(l)));
  if (dirs.size === 1 && path.isAbsolute(locations[0]!))
    return `${show([...dirs][0]!)}${path.sep} (${locations.length} files)`;
  return `${show(locations[0]!)} (+${locations.length - 1} more)`;
}

/** The status cell: a run stopped while committing may have published, so it is not called FAIL. */
const label = (f: FlowReport) => (f.error?.code === "COMMIT_UNKNOWN" ? "UNKNOWN" : f.status.toUpperCase());

/**
 * The summary table, totals and, unless `failures: false`, for every failure which flow and entity,
 * why and what to do (printSummary sends those to stderr instead: renderFailures).
 */
export function renderSummary(summary: RunSummary, c: Colors, options: { failures?: boolean } = {}): string {
  const lines: string[] = [];
  const header = ["flow", "entity", "status", "rows", "duration", "rows/s", "settled in"];
  const rows = summary.flows.map((f) => [
    f.flow,
    f.entity ?? "-",
    label(f),
    f.status === "skip" ? "-" : formatCount(f.rows),
    f.status === "skip" ? "-" : formatDuration(f.durationMs),
    f.status === "pass" ? formatRate(f.rows, f.durationMs) : "-",
    settledIn(f.locations),
  ]);
  const statusColor = (cell: string) =>
    cell.startsWith("PASS") ? c.green(cell) : cell.startsWith("FAIL") ? c.red(cell) : c.yellow(cell);
  const body = table([header, ...rows], ["l", "l", "l", "r", "r", "r", "l"], (cell, r, col) =>
    r === 0 ? c.dim(cell) : col === 2 ? statusColor(cell) : cell,
  );
  lines.push("", ...body, "");
  const t = summary.totals;
  const counts = [
    c.green(`PASS ${t.pass}`),
    t.fail > 0 ? c.red(`FAIL ${t.fail}`) : `FAIL ${t.fail}`,
    t.skip > 0 ? c.yellow(`SKIP ${t.skip}`) : `SKIP ${t.skip}`,
  ].join("  ");
  lines.push(
    `${c.bold("total")}  ${formatCount(t.rows)} rows in ${formatDuration(summary.durationMs)} (${formatRate(
      t.rows,
      summary.durationMs,
    )} rows/s)   ${counts}`,
  );
  const changed = summary.flows.filter((f) => f.schemaChange);
  if (changed.length > 0) lines.push("", ...changed.map((f) => changedColumns(f.id, f.schemaChange!)));
  lines.push(...engineLines(summary.flows, c));
  if (options.failures !== false) {
    const failures = renderFailures(summary, c);
    if (failures) lines.push(failures);
  }
  const skipped = summary.flows.filter((f) => f.status === "skip");
  if (skipped.length > 0) {
    const why = skipped[0]!.error?.message.replace(/^not started: /, "") ?? "not started";
    lines.push("", c.yellow(`skipped (${why}): ${skipped.map((f) => f.id).join(", ")}`));
  }
  return lines.join("\n");
}

/**
 * For every failed entity: which flow and entity, why and what to do, or "" when none failed. On a
 * terminal (`width`), long lines are wrapped at spaces, whole: an error is never cut.
 */
export function renderFailures(summary: RunSummary, c: Colors, width?: number): string {
  const lines: string[] = [];
  for (const f of summary.flows.filter((f) => f.status === "fail")) lines.push("", ...failureLines(f, c));
  if (lines.length === 0) return "";
  return (width ? lines.flatMap((l) => wrapWords(l, width)) : lines).join("\n");
}

/**
 * The human summary of `hygge go`: the table and totals on stdout (the run's record), each
 * failure's error lines on stderr, so `hygge go > run.log 2> errors.log` keeps them apart and
 * errors.log stays empty when every entity passed.
 */
export function printSummary(summary: RunSummary): void {
  out(renderSummary(summary, colorsFor(process.stdout), { failures: false }));
  const width = process.stderr.isTTY ? Math.max(20, (process.stderr.columns || 80) - 1) : undefined;
  const failures = renderFailures(summary, colorsFor(process.stderr), width);
  // A blank line parts them on a terminal; a file of errors starts with the first.
  if (failures) err(process.stderr.isTTY ? failures : failures.replace(/^\n/, ""));
}

/** Which entities ran on the native engine (`engine:`), and why the others did not: once each. */
function engineLines(flows: FlowReport[], c: Colors): string[] {
  const out: string[] = [];
  const ran = flows.filter((f) => f.engine?.ran);
  if (ran.length > 0) out.push(`engine ${ran[0]!.engine!.type} copied ${ran.map((f) => f.id).join(", ")}`);
  for (const f of flows) {
    const use = f.engine;
    if (use && !use.ran) out.push(c.yellow(`engine ${use.type} not used for ${f.id}: ${use.fallback}`));
  }
  return out.length > 0 ? ["", ...out] : [];
}

export function failureLines(f: FlowReport, c: Colors): string[] {
  const entity = f.entity ? `, entity ${f.entity}` : "";
  const unknown = f.error?.code === "COMMIT_UNKNOWN";
  const out = [
    unknown
      ? c.yellow(c.bold(`? flow ${f.flow}${entity}: commit outcome unknown`))
      : c.red(c.bold(`✗ flow ${f.flow}${entity} failed`)),
  ];
  if (!f.error) return [...out, "  no error was reported"];
  const text = describeError(f.error);
  const [head, ...rest] = text.split("\n");
  out.push(`  ${head}`, ...rest.map((l) => `  ${c.yellow(l.trim())}`));
  if (f.error.subject) out.push(`  ${c.dim(`about: ${f.error.subject}`)}`);
  if (!f.error.hint) {
    const step = NEXT_STEP[f.error.code] ?? "fix the cause above and run the flow again";
    const rerun = `hygge go ${f.entity ? `--entity ${f.id}` : `--flow ${f.flow}`}`;
    out.push(`  ${c.yellow(`hint: ${step}; rerun with \`${rerun}\``)}`);
  }
  return out;
}

/** The --json document: stable field names, errors as objects, no stack traces. */
export function summaryJson(summary: RunSummary, exitCode: number): Record<string, unknown> {
  return {
    status: summary.status,
    exitCode,
    project: summary.project,
    runId: summary.runId,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    durationMs: summary.durationMs,
    totals: summary.totals,
    flows: summary.flows.map((f) => ({
      id: f.id,
      flow: f.flow,
      entity: f.entity ?? null,
      status: f.status,
      runType: f.runType,
      rows: f.rows,
      bytes: f.bytes,
      batches: f.batches,
      durationMs: f.durationMs,
      rowsPerSec: f.rowsPerSec,
      attempts: f.attempts,
      locations: f.locations,
      since: f.since ?? null,
      watermark: f.watermark ?? null,
      schema: f.schema ?? null,
      schemaChange: f.schemaChange ?? null,
      engine: f.engine ?? null,
      error: f.error
        ? {
            code: f.error.code,
            message: f.error.message,
            hint: f.error.hint ?? null,
            plugin: f.error.plugin ?? null,
            step: f.error.step ?? null,
          }
        : null,
    })),
  };
}
