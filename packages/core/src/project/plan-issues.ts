import { type ConfigIssue, formatIssue, formatPath } from "../config/issues.js";
import type { ProjectConfig } from "../config/schema.js";
import type { RunType } from "../contracts/common.js";
import { HyggeError, isHyggeError } from "../errors.js";
import { parseDuration } from "../flow/lookback.js";
import type { ProjectSources } from "./sources.js";

/**
 * `watermark.lookback` re-reads rows already loaded: only a store that upserts by primary key
 * (run_type merge) can do that without duplicating them. A text lookback must be a duration.
 */
export function lookbackIssues(
  lookback: string | number | undefined,
  runType: RunType,
  file: string | undefined,
  id: string,
): ConfigIssue[] {
  if (lookback === undefined) return [];
  const path = "watermark.lookback";
  if (runType === "incremental") {
    return [
      {
        file,
        path,
        message: `lookback re-reads rows already loaded, and run_type incremental appends them again (entity ${id})`,
        hint: "Use run_type merge with a primary_key (re-read rows are upserted by key), or remove watermark.lookback.",
      },
    ];
  }
  if (
    typeof lookback === "string" &&
    parseDuration(lookback) === undefined &&
    !/^\s*\d+\s*$/.test(lookback)
  ) {
    return [
      {
        file,
        path,
        message: `"${lookback}" is not a duration (entity ${id})`,
        hint: 'Write a duration such as "3 days", "6 hours", "90 minutes" or "PT6H" (no months or years), or a number for an integer watermark column.',
      },
    ];
  }
  return [];
}

export function typeIssue(
  error: unknown,
  file: string | undefined,
  path: PropertyKey[],
  where?: string,
): ConfigIssue {
  if (!isHyggeError(error)) throw error;
  return {
    file,
    path: formatPath(path),
    message: where ? `${error.message} (${where})` : error.message,
    hint: error.hint,
  };
}

/** Moves issues under `flows.<name>` to the flow's file, and under an entity to the entity's file. */
export function relocate(issue: ConfigIssue, sources: ProjectSources, input: ProjectConfig): ConfigIssue {
  const m = /^flows\.([^.[]+)(?:\.(.*))?$/.exec(issue.path);
  if (!m) return issue;
  const flow = m[1]!;
  const e = /^entities\[(\d+)\](?:\.(.*))?$/.exec(m[2] ?? "");
  if (e) {
    const item = input.flows?.[flow]?.entities?.[Number(e[1])];
    const name = typeof item === "string" ? item : (item as { name?: unknown } | undefined)?.name;
    const file = typeof name === "string" ? sources.entities?.[`${flow}.${name}`] : undefined;
    if (file) return { ...issue, file, path: e[2] ?? "(top level)" };
  }
  const file = sources.flows?.[flow];
  if (!file) return issue;
  return { ...issue, file, path: m[2] ?? "(top level)" };
}

export function configError(all: ConfigIssue[]): HyggeError {
  // One bad key in a flow shows up once per entity: report it once.
  const seen = new Set<string>();
  const issues = all.filter((issue) => {
    const key = formatIssue(issue);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const lines = issues.map((issue) => `  - ${formatIssue(issue)}`);
  return new HyggeError(
    "CONFIG_INVALID",
    `${issues.length} configuration problem${issues.length === 1 ? "" : "s"}:\n${lines.join("\n")}`,
    { details: issues, hint: "Fix the keys listed above; `hygge schema` prints every valid key." },
  );
}
