import { HyggeError } from "../errors.js";

/**
 * How long each plugin call may take, in milliseconds (`Infinity`: no bound). The keys match the
 * `timeouts:` block of a project (`committed_state` there, `committedState` here).
 */
export interface FlowTimeouts {
  /** The plugin's `create()` (it must not open anything, so it is quick). */
  create: number;
  /** `store.open()`, which first repairs what a crashed run left behind. */
  open: number;
  /** `store.committedState()`: reading the resume point back. */
  committedState: number;
  /** `home.estimateRows()`: best effort, the run goes on without the estimate. */
  estimate: number;
  /** One `next()` of the home's reader: producing one batch. */
  read: number;
  /** One `store.write()`. */
  write: number;
  /** `store.commit()`: publishing everything. Long on big tables. */
  commit: number;
  /** `store.abort()` after a failure or a cancel. */
  abort: number;
  /** `close()` and the reader's `return()`. */
  close: number;
  /**
   * After a failure or a cancel: how long a call the engine stopped waiting for (a write, a read)
   * may go on before the plugin is aborted/closed anyway, and how long a commit in flight gets to
   * finish before its outcome is reported unknown.
   */
  cancel: number;
  /** A call slower than this is reported ("waiting for <plugin> to <step>"), then periodically. */
  notice: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const DEFAULT_TIMEOUTS: Readonly<FlowTimeouts> = Object.freeze({
  create: 1 * MINUTE,
  open: 10 * MINUTE,
  committedState: 5 * MINUTE,
  estimate: 1 * MINUTE,
  read: 1 * HOUR,
  write: 1 * HOUR,
  commit: 6 * HOUR,
  abort: 5 * MINUTE,
  close: 1 * MINUTE,
  cancel: 5 * SECOND,
  notice: 5 * SECOND,
});

/** The YAML key of each field (`timeouts.<key>`). */
export const TIMEOUT_KEYS: Readonly<Record<keyof FlowTimeouts, string>> = Object.freeze({
  create: "create",
  open: "open",
  committedState: "committed_state",
  estimate: "estimate",
  read: "read",
  write: "write",
  commit: "commit",
  abort: "abort",
  close: "close",
  cancel: "cancel",
  notice: "notice",
});

/** A duration as written in a project: `90` (seconds), `"500ms"`, `"30s"`, `"5m"`, `"2h"`, or `"none"`. */
export type DurationInput = number | string;

export const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;

/** Milliseconds of a duration (`Infinity` for `none`); a bare number is seconds. */
export function parseDuration(value: DurationInput): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value > 0) return value * SECOND;
  } else if (value.trim() === "none") {
    return Number.POSITIVE_INFINITY;
  } else {
    const m = DURATION_PATTERN.exec(value);
    const n = m ? Number(m[1]) : Number.NaN;
    const unit = { ms: 1, s: SECOND, m: MINUTE, h: HOUR }[(m?.[2] ?? "s") as "ms" | "s" | "m" | "h"];
    if (n > 0) return n * unit;
  }
  throw new HyggeError("CONFIG_INVALID", `invalid duration ${JSON.stringify(value)}`, {
    hint: 'write a positive number of seconds, or a number with a unit: "500ms", "30s", "5m", "2h"; "none" for no bound',
  });
}

/** Timeouts given in a project (YAML keys, durations) as milliseconds; keys not given are left out. */
export function timeoutsFromConfig(
  config: Partial<Record<string, DurationInput>> | undefined,
): Partial<FlowTimeouts> {
  const out: Partial<FlowTimeouts> = {};
  if (!config) return out;
  for (const [field, key] of Object.entries(TIMEOUT_KEYS) as [keyof FlowTimeouts, string][]) {
    const value = config[key];
    if (value !== undefined) out[field] = parseDuration(value);
  }
  return out;
}

/** Every timeout: the given ones over the defaults. */
export function resolveTimeouts(given?: Partial<FlowTimeouts>): FlowTimeouts {
  const out = { ...DEFAULT_TIMEOUTS };
  for (const [key, value] of Object.entries(given ?? {}) as [keyof FlowTimeouts, number | undefined][])
    if (value !== undefined) out[key] = value;
  return out;
}

/** "250ms", "30s", "1.5m", "6h": a bound as a person reads it. */
export function formatBound(ms: number): string {
  if (!Number.isFinite(ms)) return "no bound";
  const fmt = (n: number) => String(Math.round(n * 10) / 10);
  if (ms < SECOND) return `${Math.round(ms)}ms`;
  if (ms < MINUTE) return `${fmt(ms / SECOND)}s`;
  if (ms < HOUR) return `${fmt(ms / MINUTE)}m`;
  return `${fmt(ms / HOUR)}h`;
}
