import type { FlowEvent, Logger } from "@hygge/core";
import { describeError } from "@hygge/core";
import { isInteractive } from "../io.js";
import { watermarkValueText } from "../watermark-text.js";
import { formatCount, formatDuration, formatEta, formatRate, timestamp } from "./format.js";
import { etaMs, ttyProgress } from "./progress-tty.js";

/** Draws progress events; the Coordinator never knows how. */
export interface Progress {
  event(event: FlowEvent): void;
  log(level: "debug" | "info" | "warn", message: string): void;
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  quiet?: boolean;
  verbose?: boolean;
}

export function createProgress(options: ProgressOptions): Progress {
  if (options.quiet)
    return {
      event() {},
      log: (level, m) => level === "warn" && plainLine(options.stream, `warning: ${m}`),
      stop() {},
    };
  if (isInteractive(options.stream)) return ttyProgress(options.stream, Boolean(options.verbose));
  return plainProgress(options.stream, Boolean(options.verbose));
}

export function progressLogger(progress: Progress, verbose: boolean): Logger {
  return {
    debug: (m) => verbose && progress.log("debug", m),
    info: (m) => progress.log("info", m),
    warn: (m) => progress.log("warn", m),
  };
}

const plainLine = (stream: NodeJS.WriteStream, text: string) => stream.write(`${timestamp()} ${text}\n`);

/** Off a terminal: one timestamped line per step, no escape codes; periodic counts for long runs. */
function plainProgress(stream: NodeJS.WriteStream, verbose: boolean): Progress {
  const everyMs = verbose ? 1000 : 10_000;
  const lastPrinted = new Map<string, number>();
  /** `elapsedMs` of each entity's `start`: the ETA's rate counts from there. */
  const started = new Map<string, number>();
  const line = (text: string) => plainLine(stream, text);
  return {
    event(e) {
      switch (e.type) {
        case "start":
          lastPrinted.set(e.id, Date.now());
          started.set(e.id, e.elapsedMs);
          line(
            `${e.id}: started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ""}` +
              (e.estimatedRows !== undefined ? `, about ${formatCount(e.estimatedRows)} rows` : "") +
              (e.since ? `, from ${e.since.column} ${watermarkValueText(e.since)}` : ""),
          );
          break;
        case "progress": {
          const last = lastPrinted.get(e.id) ?? 0;
          if (Date.now() - last < everyMs) break;
          lastPrinted.set(e.id, Date.now());
          // An estimate, not a count: "of about", and a time left only while rows remain.
          const of = e.estimatedRows ? ` of about ${formatCount(e.estimatedRows)}` : "";
          const { id, rows, elapsedMs, estimatedRows: estimated } = e;
          const eta = etaMs({ id, rows, elapsedMs, estimated, startedMs: started.get(id) ?? 0 });
          line(
            `${e.id}: ${formatCount(e.rows)}${of} rows, ${formatRate(e.rows, e.elapsedMs)} rows/s, ${formatDuration(e.elapsedMs)}` +
              (eta !== undefined ? `, about ${formatEta(eta)} left` : ""),
          );
          break;
        }
        case "waiting":
          if (e.waiting) line(`${e.id}: ${e.waiting.message} (${formatDuration(e.waiting.waitingMs)})`);
          break;
        case "retry":
          line(
            `${e.id}: attempt ${e.attempt} failed, retrying: ${e.error ? describeError(e.error).split("\n")[0] : ""}`,
          );
          break;
        case "committing":
          if (verbose) line(`${e.id}: committing ${formatCount(e.rows)} rows`);
          break;
        case "done":
          line(
            `${e.id}: done, ${formatCount(e.rows)} rows in ${formatDuration(e.elapsedMs)} (${formatRate(e.rows, e.elapsedMs)} rows/s)`,
          );
          break;
        case "failed":
          line(`${e.id}: FAILED ${e.error ? describeError(e.error).split("\n")[0] : ""}`);
          break;
      }
    },
    log(level, message) {
      if (level === "debug" && !verbose) return;
      line(`${level === "info" ? "" : `${level}: `}${message}`);
    },
    stop() {},
  };
}
