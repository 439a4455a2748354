import { describeError, type FlowEvent } from "@hygge/core";
import cliProgress from "cli-progress";
import { colorsFor } from "../io.js";
import { watermarkValueText } from "../watermark-text.js";
import { formatCount, formatDuration, formatRate } from "./format.js";
import type { Progress } from "./progress.js";

/** On a terminal: one live line per running entity (a bar when the home can estimate its rows). */
export function ttyProgress(stream: NodeJS.WriteStream, verbose: boolean): Progress {
  const c = colorsFor(stream);
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: true,
      hideCursor: true,
      fps: 8,
      barsize: 24,
      barCompleteChar: "█",
      barIncompleteChar: "░",
      autopadding: false,
      forceRedraw: true,
      format: (options, params, payload: Payload) => line(options, params, payload),
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; payload: Payload }>();
  let width = 0;

  interface Payload {
    id: string;
    rows: number;
    elapsedMs: number;
    estimated?: number;
    /** "waiting for the store (@hygge/sql) to commit (12s)", until the next event of the entity. */
    waiting?: string;
  }
  const line = (options: cliProgress.Options, params: cliProgress.Params, p: Payload): string => {
    const name = p.id.padEnd(width);
    const counts = `${formatCount(p.rows).padStart(11)} rows  ${formatRate(p.rows, p.elapsedMs).padStart(9)} rows/s  ${formatDuration(p.elapsedMs).padStart(6)}`;
    const waiting = p.waiting ? `  ${c.yellow(p.waiting)}` : "";
    if (!p.estimated) return `${c.cyan("⠿")} ${name}  ${counts}${waiting}`;
    const size = options.barsize ?? 24;
    const done = Math.min(size, Math.round(params.progress * size));
    const bar = c.cyan("█".repeat(done)) + c.dim("░".repeat(size - done));
    const pct = `${Math.min(100, Math.round(params.progress * 100))}%`.padStart(4);
    return `${c.cyan("⠿")} ${name}  ${bar} ${pct} ${counts}${waiting}`;
  };
  const log = (text: string) => {
    multibar.log(`${text}\n`);
    multibar.update(); // flush now: a log written just before stop() would otherwise be lost
  };
  const remove = (id: string) => {
    const entry = bars.get(id);
    if (entry) multibar.remove(entry.bar);
    bars.delete(id);
  };

  return {
    event(e: FlowEvent) {
      width = Math.max(width, e.id.length);
      switch (e.type) {
        case "start": {
          remove(e.id);
          const payload: Payload = { id: e.id, rows: 0, elapsedMs: e.elapsedMs, estimated: e.estimatedRows };
          bars.set(e.id, { bar: multibar.create(Math.max(1, e.estimatedRows ?? 1), 0, payload), payload });
          if (verbose && e.since)
            log(c.dim(`  ${e.id}: resuming from ${e.since.column} ${watermarkValueText(e.since)}`));
          break;
        }
        case "waiting": {
          if (!e.waiting) break;
          const text = `${e.waiting.message} (${formatDuration(e.waiting.waitingMs)})`;
          const entry = bars.get(e.id);
          // Before `start` (create, open…) there is no line for the entity yet: print one.
          if (!entry) log(`${c.yellow("…")} ${e.id}: ${text}`);
          else {
            entry.payload.waiting = text;
            entry.bar.update(entry.payload);
          }
          break;
        }
        case "progress":
        case "committing": {
          const entry = bars.get(e.id);
          if (!entry) break;
          Object.assign(entry.payload, { rows: e.rows, elapsedMs: e.elapsedMs, waiting: undefined });
          entry.bar.update(
            entry.payload.estimated ? Math.min(e.rows, entry.payload.estimated) : 0,
            entry.payload,
          );
          break;
        }
        case "retry":
          log(`${c.yellow("↻")} ${e.id}: attempt ${e.attempt} failed, retrying (${e.error?.message ?? ""})`);
          break;
        case "done":
          remove(e.id);
          log(`${c.green("✓")} ${e.id}  ${formatCount(e.rows)} rows in ${formatDuration(e.elapsedMs)}`);
          break;
        case "failed":
          remove(e.id);
          log(`${c.red("✗")} ${e.id}  ${e.error ? describeError(e.error).split("\n")[0] : "failed"}`);
          break;
      }
    },
    log(level, message) {
      if (level === "debug" && !verbose) return;
      log(level === "warn" ? c.yellow(`warning: ${message}`) : c.dim(message));
    },
    stop() {
      for (const id of [...bars.keys()]) remove(id);
      multibar.stop();
    },
  };
}
