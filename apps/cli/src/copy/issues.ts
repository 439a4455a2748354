import { type ConfigIssue, HyggeError, isHyggeError } from "@hygge/core";
import { acceptedHint } from "./endpoints.js";

/** Where a key of the copy's generated project came from on the command line. */
function origin(path: string): string {
  const m =
    /^(?:flows\.copy\.)?(connections\.(from|to)|home|store|run_type|watermark|primary_key)(?:\.(.*))?$/.exec(
      path,
    );
  if (!m) return path;
  const [, head, side, key] = m;
  if (side) return `${side} URL${key && key !== "url" ? ` (${key})` : ""}`;
  if (head === "home") return `from${key ? ` (${key})` : ""}`;
  if (head === "store") return `to${key ? ` (${key})` : ""}`;
  if (head === "run_type") return "--run-type";
  if (head === "watermark") return "--watermark";
  return "--primary-key";
}

/**
 * A CONFIG_INVALID about the project a copy was translated into, said in the copy's own terms
 * (`from URL: …`, `--run-type: …`): the user wrote no file and no key. A connection's own problem
 * is kept, and the "unknown connection" it causes is dropped.
 */
export function copyConfigError(error: unknown): unknown {
  if (!isHyggeError(error) || error.code !== "CONFIG_INVALID" || !Array.isArray(error.details)) return error;
  const issues = error.details as ConfigIssue[];
  const broken = new Set(issues.flatMap((i) => /^connections\.(from|to)\b/.exec(i.path)?.[1] ?? []));
  const kept = issues.filter(
    (i) =>
      !(/\.connection$|^connection$/.test(i.path) && [...broken].some((s) => i.message.includes(`"${s}"`))),
  );
  const lines = kept.map((i) => `${origin(i.path)}: ${i.message}${i.hint ? ` (${i.hint})` : ""}`);
  return new HyggeError(
    "USAGE",
    lines.length === 1
      ? lines[0]!
      : `${lines.length} problems with this copy:\n${lines.map((l) => `  - ${l}`).join("\n")}`,
    {
      cause: error,
      details: kept,
      hint: kept.every((i) => origin(i.path).startsWith("--"))
        ? "Change the option named above (`hygge copy --help` lists them)."
        : acceptedHint("Fix the argument named above."),
    },
  );
}
