import { describeError, type FlowEvent } from "@hygge/core";
import cliProgress from "cli-progress";
import { type Colors, colorsFor } from "../io.js";
import { watermarkValueText } from "../watermark-text.js";
import {
  formatCount,
  formatDuration,
  formatEta,
  formatRate,
  shortenMiddle,
  shortenWords,
  visibleWidth,
  wrapWords,
} from "./format.js";
import type { Progress } from "./progress.js";

/** What one entity's live line shows. */
export interface LiveState {
  id: string;
  rows: number;
  /** Since the attempt began (create, open, estimate included). */
  elapsedMs: number;
  /** `elapsedMs` when reading began (the `start` event): the rate of the ETA counts from here. */
  startedMs: number;
  /** The home's estimate: a bar, a percentage and an ETA; absent or 0: counts only. */
  estimated?: number;
  /** "waiting for the store (@hygge/sql) to commit (12s)", until the next event of the entity. */
  waiting?: string;
  committing?: boolean;
}

const BAR = 24;
/** The narrowest bar worth drawing: below it the percentage says as much. */
const MIN_BAR = 12;
/** Parts given up, in this order, when a line does not fit the terminal (the bar first shrinks). */
const DROPS = [
  [],
  ["elapsed"],
  ["elapsed", "rate"],
  ["elapsed", "rate", "bar"],
  ["elapsed", "rate", "bar", "eta"],
  ["elapsed", "rate", "bar", "eta", "pct"],
];

/**
 * The time left at the rate rows came since reading began, while the estimate lies ahead: an
 * estimate is not a count, so past it there is no ETA (never a negative one).
 */
export function etaMs(p: LiveState): number | undefined {
  const moving = p.elapsedMs - p.startedMs;
  if (!p.estimated || p.rows <= 0 || moving <= 0 || p.rows >= p.estimated) return undefined;
  return ((p.estimated - p.rows) * moving) / p.rows;
}

/**
 * One live line, never wider than `width` columns: a line the terminal wrapped would break the
 * redraw, so the bar shrinks and the progress parts are given up (elapsed, rate, bar, ETA,
 * percentage), then the waiting text and the name are shortened. Errors never appear here (they are logged above, wrapped whole).
 */
export function liveLine(p: LiveState, o: { width: number; nameWidth: number; c: Colors }): string {
  const { c, width } = o;
  const estimated = p.estimated && p.estimated > 0 ? p.estimated : undefined;
  // Rows past the estimate fill the bar, and the percentage stops at 99% until the entity is done.
  const fraction = estimated ? Math.min(1, p.rows / estimated) : 0;
  const eta = etaMs(p);
  const compose = (drop: string[], tight: boolean, name: string, waiting: string | undefined, bar = BAR) => {
    const pad = (text: string, n: number) => (tight ? text : text.padStart(n));
    const filled = Math.floor(fraction * bar);
    const parts = [`${c.cyan("⠿")} ${name}`];
    if (estimated && !drop.includes("pct")) {
      const pct = pad(`${Math.min(99, Math.floor(fraction * 100))}%`, 4);
      parts.push(
        drop.includes("bar") ? pct : `${c.cyan("█".repeat(filled))}${c.dim("░".repeat(bar - filled))} ${pct}`,
      );
    }
    parts.push(`${pad(formatCount(p.rows), 11)} rows`);
    if (!drop.includes("rate")) parts.push(`${pad(formatRate(p.rows, p.elapsedMs), 9)} rows/s`);
    if (!drop.includes("elapsed")) parts.push(pad(formatDuration(p.elapsedMs), 6));
    if (!drop.includes("eta") && estimated)
      parts.push(pad(p.committing ? "committing" : eta !== undefined ? `eta ${formatEta(eta)}` : "", 9));
    if (waiting) parts.push(c.yellow(waiting));
    return parts.join("  ").replace(/ +$/, "");
  };
  const padded = p.id.padEnd(o.nameWidth);
  for (const drop of DROPS) {
    const line = compose(drop, false, padded, p.waiting);
    const over = visibleWidth(line) - width;
    if (over <= 0) return line;
    if (estimated && !drop.includes("bar") && BAR - over >= MIN_BAR)
      return compose(drop, false, padded, p.waiting, BAR - over);
  }
  for (const drop of DROPS.slice(-2)) {
    const bare = compose(drop, true, p.id, undefined);
    const room = width - visibleWidth(bare) - 2;
    if (p.waiting && room >= 12) return compose(drop, true, p.id, shortenWords(p.waiting, room));
    if (visibleWidth(bare) <= width) return bare;
  }
  const all = DROPS.at(-1)!;
  const bare = compose(all, true, p.id, undefined);
  const name = shortenMiddle(p.id, Math.max(1, p.id.length - (visibleWidth(bare) - width)));
  const line = compose(all, true, name, undefined);
  return visibleWidth(line) <= width ? line : wrapWords(line, width)[0]!;
}

/** On a terminal: one live line per running entity (a bar and an ETA when the home estimates its rows). */
export function ttyProgress(stream: NodeJS.WriteStream, verbose: boolean): Progress {
  const c = colorsFor(stream);
  // One column spare: a line filling the last column would leave some terminals' cursor past it.
  const columns = () => Math.max(20, (stream.columns || 80) - 1);
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: true,
      hideCursor: true,
      fps: 8,
      autopadding: false,
      forceRedraw: true,
      format: (_options, _params, payload: LiveState) =>
        liveLine(payload, { width: columns(), nameWidth, c }),
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; payload: LiveState }>();
  let nameWidth = 0;

  // While bars are drawn the terminal does not wrap (cli-progress turns auto-wrap off), so a long
  // line would be cut at the edge: messages are wrapped at spaces here, whole.
  const log = (text: string) => {
    multibar.log(`${wrapWords(text, columns()).join("\n")}\n`);
    multibar.update(); // flush now: a log written just before stop() would otherwise be lost
  };
  const remove = (id: string) => {
    const entry = bars.get(id);
    if (entry) multibar.remove(entry.bar);
    bars.delete(id);
  };

  return {
    event(e: FlowEvent) {
      nameWidth = Math.max(nameWidth, e.id.length);
      switch (e.type) {
        case "start": {
          remove(e.id);
          const payload: LiveState = {
            id: e.id,
            rows: 0,
            elapsedMs: e.elapsedMs,
            startedMs: e.elapsedMs,
            estimated: e.estimatedRows,
          };
          // The bar's own value and ETA go unused: liveLine draws both from the payload.
          bars.set(e.id, { bar: multibar.create(1, 0, payload), payload });
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
          Object.assign(entry.payload, {
            rows: e.rows,
            elapsedMs: e.elapsedMs,
            waiting: undefined,
            committing: e.type === "committing",
          });
          entry.bar.update(entry.payload);
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
