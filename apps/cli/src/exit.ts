import { describeError, errorMessage, type HyggeErrorCode, isHyggeError } from "@hygge/core";
import { EXIT } from "./exit-codes.js";
import { colorsFor, err, out } from "./io.js";

export { EXIT };

const CONFIG_CODES: ReadonlySet<HyggeErrorCode> = new Set([
  "CONFIG_INVALID",
  "USAGE",
  "PLUGIN_NOT_FOUND",
  "PLUGIN_INVALID",
  "TYPE_NOT_FOUND",
]);

export function exitCodeFor(error: unknown): number {
  return isHyggeError(error) && CONFIG_CODES.has(error.code) ? EXIT.CONFIG : EXIT.FAILED;
}

/** The machine-readable form of an error (for --json). */
export function errorJson(error: unknown): Record<string, unknown> {
  if (!isHyggeError(error)) return { code: "INTERNAL", message: errorMessage(error) };
  return {
    code: error.code,
    message: error.message,
    hint: error.hint,
    flow: error.flow,
    entity: error.entity,
    plugin: error.plugin,
    subject: error.subject,
    issues: Array.isArray(error.details) && error.code === "CONFIG_INVALID" ? error.details : undefined,
  };
}

/** Prints an error that stopped a command (stderr; with --json also a JSON object on stdout). */
export function reportError(error: unknown, options: { json?: boolean; verbose?: boolean } = {}): number {
  const code = exitCodeFor(error);
  const c = colorsFor(process.stderr);
  const text = isHyggeError(error)
    ? describeError(error)
    : `[INTERNAL] ${errorMessage(error)}\n  hint: this is a bug in hygge or a plugin; run again with --verbose and report it.`;
  const [head, ...rest] = text.split("\n").filter((line) => line.trim() !== "");
  const subject = isHyggeError(error) ? error.subject : undefined;
  if (subject && !text.includes(subject)) rest.unshift(`  in: ${subject}`);
  err(
    `${c.red(c.bold("error"))} ${head}${rest.length ? `\n${rest.map((l) => (l.startsWith("  hint:") ? c.yellow(l) : l)).join("\n")}` : ""}`,
  );
  if (options.verbose && error instanceof Error && error.stack) err(c.dim(error.stack));
  if (options.json)
    out(JSON.stringify({ status: "error", exitCode: code, error: errorJson(error) }, null, 2));
  return code;
}
