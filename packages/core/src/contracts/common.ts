export type RunType = "full_drop" | "incremental" | "merge";
export const RUN_TYPES: readonly RunType[] = ["full_drop", "incremental", "merge"];

export interface CheckResult {
  ok: boolean;
  /** What was checked: a path, a table, a connection name. */
  subject: string;
  message: string;
  hint?: string;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };
