/**
 * One error type for everything hygge reports. `code` is stable: tools and the CLI branch on it,
 * never on the message. `isHyggeError()` checks a brand, not `instanceof`, so it works across
 * duplicate copies of @hygge/core.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: "a project, flow or entity file is invalid",
  USAGE: "the command line asks for something impossible",
  PLUGIN_NOT_FOUND: "a plugin could not be loaded",
  PLUGIN_INVALID: "a plugin module does not have the expected shape",
  TYPE_NOT_FOUND: "no loaded plugin provides a home/store type",
  HOME_READ_FAILED: "reading from the home failed",
  STORE_WRITE_FAILED: "writing to the store failed",
  STORE_COMMIT_FAILED: "publishing the data failed",
  COMMIT_UNKNOWN:
    "a commit was interrupted: the store may or may not have published; its next open() completes or rolls it back",
  SCHEMA_MISMATCH: "batches or files do not share one schema",
  SCHEMA_CHANGE_REFUSED:
    "the source's columns changed in a way the on_schema_change policy refuses; nothing was written",
  CONNECTION_FAILED: "a connection could not be opened",
  ABORTED: "the run was cancelled",
  LOCKED: "another run holds the project lock",
  INTERNAL: "a bug in hygge",
} as const;

export type HyggeErrorCode = keyof typeof ERROR_CODES;

export interface HyggeErrorOptions {
  hint?: string;
  plugin?: string;
  flow?: string;
  entity?: string;
  /** A file, folder or table the error is about. */
  subject?: string;
  /** The plugin call that failed: open, write, commit, close… (see PluginStep). */
  step?: string;
  /** Errors a retry may cure (timeouts, deadlocks, connection resets). */
  transient?: boolean;
  cause?: unknown;
  /** Structured details, e.g. the list of config issues. */
  details?: unknown;
}

const BRAND = Symbol.for("hygge.error");

export class HyggeError extends Error {
  readonly code: HyggeErrorCode;
  hint?: string;
  plugin?: string;
  flow?: string;
  entity?: string;
  subject?: string;
  step?: string;
  transient: boolean;
  details?: unknown;
  readonly [BRAND] = true;

  constructor(code: HyggeErrorCode, message: string, options: HyggeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HyggeError";
    this.code = code;
    this.hint = options.hint;
    this.plugin = options.plugin;
    this.flow = options.flow;
    this.entity = options.entity;
    this.subject = options.subject;
    this.step = options.step;
    this.transient = options.transient ?? false;
    this.details = options.details;
  }
}

export function isHyggeError(value: unknown): value is HyggeError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export function hyggeError(code: HyggeErrorCode, message: string, options?: HyggeErrorOptions): HyggeError {
  return new HyggeError(code, message, options);
}

/** True for errors a plugin marked as worth retrying (`transient: true` on a HyggeError or any error). */
export function isTransient(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { transient?: unknown }).transient === true;
}

export function isAbortError(error: unknown): boolean {
  if (isHyggeError(error)) return error.code === "ABORTED";
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Context attached to an error as it leaves a flow. Fields already set are kept. */
export function withContext(
  error: unknown,
  code: HyggeErrorCode,
  context: Omit<HyggeErrorOptions, "cause">,
): HyggeError {
  if (isHyggeError(error)) {
    error.flow ??= context.flow;
    error.entity ??= context.entity;
    error.plugin ??= context.plugin;
    error.subject ??= context.subject;
    error.step ??= context.step;
    error.hint ??= context.hint;
    return error;
  }
  return new HyggeError(code, errorMessage(error), {
    ...context,
    cause: error,
    transient: isTransient(error),
  });
}

/** "flow sales, entity users, plugin @hygge/parquet: message (file ...)". */
export function describeError(error: unknown): string {
  if (!isHyggeError(error)) return errorMessage(error);
  const where = [
    error.flow && `flow ${error.flow}`,
    error.entity && `entity ${error.entity}`,
    error.plugin && `plugin ${error.plugin}`,
  ].filter(Boolean);
  const head = where.length > 0 ? `[${error.code}] ${where.join(", ")}: ` : `[${error.code}] `;
  return head + error.message + (error.hint ? `\n  hint: ${error.hint}` : "");
}
