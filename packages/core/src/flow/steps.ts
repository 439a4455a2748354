import type { HyggeErrorCode } from "../errors.js";
import type { FlowTimeouts } from "./timeouts.js";

export type PluginRole = "home" | "store";

/** Every call the engine makes into a plugin. */
export type PluginStep =
  | "create"
  | "open"
  | "committed_state"
  | "published_schema"
  | "evolve"
  | "estimate_rows"
  | "read"
  | "stop_reading"
  | "write"
  | "commit"
  | "abort"
  | "close";

/** "waiting for <plugin> to <phrase>", "could not <phrase>". */
export const STEP_PHRASE: Readonly<Record<PluginStep, string>> = {
  create: "start",
  open: "open",
  committed_state: "read its committed state",
  published_schema: "read the destination's columns",
  evolve: "change the destination's columns",
  estimate_rows: "estimate its rows",
  read: "read the next batch",
  stop_reading: "stop reading",
  write: "write a batch",
  commit: "commit",
  abort: "abort",
  close: "close",
};

/** The timeout that bounds each step. */
export const STEP_TIMEOUT: Readonly<Record<PluginStep, keyof FlowTimeouts>> = {
  create: "create",
  open: "open",
  committed_state: "committedState",
  published_schema: "committedState",
  // Widening a column can rewrite a large table: bounded like the publish it belongs to.
  evolve: "commit",
  estimate_rows: "estimate",
  read: "read",
  stop_reading: "close",
  write: "write",
  commit: "commit",
  abort: "abort",
  close: "close",
};

/** The code of an error a plugin throws at a step, unless it gave its own. */
export function stepCode(role: PluginRole, step: PluginStep): HyggeErrorCode {
  if (role === "home") return "HOME_READ_FAILED";
  return step === "commit" ? "STORE_COMMIT_FAILED" : "STORE_WRITE_FAILED";
}
