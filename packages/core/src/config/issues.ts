import type { z } from "zod";
import { closest } from "./did-you-mean.js";
import { defOf, unwrap } from "./zod-def.js";

export interface ConfigIssue {
  /** The file the key came from, when known. */
  file?: string;
  /** Dotted key path, e.g. `flows.sales.store.compression`. */
  path: string;
  message: string;
  hint?: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(top level)";
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file ? `${issue.file}: ${issue.path}` : issue.path;
  return `${where}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ""}`;
}

/** Object keys a schema accepts at `path`, following wrappers, arrays, records and unions. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const found = new Set<string>();
  const walk = (s: unknown, rest: readonly PropertyKey[], depth: number) => {
    const def = defOf(unwrap(s));
    if (!def || depth > 40) return;
    switch (def.type) {
      case "lazy":
        return walk(def.getter(), rest, depth + 1);
      case "union":
        for (const option of def.options as unknown[]) walk(option, rest, depth + 1);
        return;
      case "intersection":
        walk(def.left, rest, depth + 1);
        walk(def.right, rest, depth + 1);
        return;
      case "object": {
        const shape = def.shape as Record<string, unknown>;
        if (rest.length === 0) {
          for (const key of Object.keys(shape)) found.add(key);
          return;
        }
        const [head, ...tail] = rest;
        const child = shape[String(head)];
        if (child) walk(child, tail, depth + 1);
        return;
      }
      case "record":
        if (rest.length > 0) walk(def.valueType, rest.slice(1), depth + 1);
        return;
      case "array":
        if (rest.length > 0) walk(def.element, rest.slice(1), depth + 1);
        return;
      default:
        return;
    }
  };
  walk(schema, path, 0);
  return [...found];
}

/** Turns zod issues into messages that name the key path and suggest the closest valid key. */
export function zodIssues(
  schema: z.ZodType,
  error: z.ZodError,
  options: { file?: string; prefix?: readonly PropertyKey[] } = {},
): ConfigIssue[] {
  const prefix = options.prefix ?? [];
  const out: ConfigIssue[] = [];
  for (const issue of flattenUnions(error.issues as RawIssue[])) {
    const path = [...prefix, ...(issue.path as PropertyKey[])];
    if (issue.code === "unrecognized_keys") {
      const known = keysAt(schema, issue.path as PropertyKey[]);
      for (const key of issue.keys as string[]) {
        const guess = closest(key, known);
        out.push({
          file: options.file,
          path: formatPath([...path, key]),
          message: `unknown key "${key}"`,
          hint: guess
            ? `did you mean "${guess}"?`
            : known.length > 0
              ? `valid keys here: ${known.join(", ")}`
              : undefined,
        });
      }
      continue;
    }
    if (issue.code === "invalid_value" && Array.isArray(issue.values)) {
      const values = issue.values as unknown[];
      const input = issue.input;
      const guess = typeof input === "string" ? closest(input, values.map(String)) : undefined;
      out.push({
        file: options.file,
        path: formatPath(path),
        message: `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}${
          input === undefined ? "" : `, got ${JSON.stringify(input)}`
        }`,
        hint: guess ? `did you mean "${guess}"?` : undefined,
      });
      continue;
    }
    out.push({ file: options.file, path: formatPath(path), message: issue.message });
  }
  return out;
}

interface RawIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  keys?: string[];
  values?: unknown[];
  expected?: string;
  errors?: RawIssue[][];
}

/**
 * A value matching no branch of a union (`entities: [string | {name, ...}]`) gives one vague
 * issue. Report the issues of the branch the value was meant for instead: skip branches that
 * reject the value's kind outright, then take the one with the fewest issues.
 */
function flattenUnions(issues: RawIssue[]): RawIssue[] {
  const out: RawIssue[] = [];
  for (const issue of issues) {
    if (issue.code !== "invalid_union" || !issue.errors?.length) {
      out.push(issue);
      continue;
    }
    const branches = issue.errors.filter(
      (branch) =>
        !branch.some((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value")),
    );
    const best = [...(branches.length > 0 ? branches : issue.errors)].sort((a, b) => a.length - b.length)[0];
    if (!best || best.length === 0) {
      out.push(issue);
      continue;
    }
    for (const inner of flattenUnions(best)) out.push({ ...inner, path: [...issue.path, ...inner.path] });
  }
  return out;
}
