import { HyggeError } from "../errors.js";
import { formatPath } from "./issues.js";
import { isPlainObject } from "./merge.js";

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value. An unset variable without a
 * default is an error naming the variable, the key and the file. `$${...}` is a literal.
 * Returns the values substituted, so callers can treat them as secrets where the key says so.
 */
export function substituteEnv<T>(
  value: T,
  env: Record<string, string | undefined>,
  options: { file?: string; onSubstitute?: (path: string, value: string) => void } = {},
): T {
  const visit = (v: unknown, path: PropertyKey[]): unknown => {
    if (typeof v === "string") {
      const out = v.replace(
        /(\$)?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
        (match, escaped, name, fallback) => {
          if (escaped) return match.slice(1);
          const found = env[name];
          const result = found !== undefined && found !== "" ? found : fallback;
          if (result === undefined) {
            throw new HyggeError(
              "CONFIG_INVALID",
              `environment variable ${name} is not set (used at ${formatPath(path)})`,
              {
                subject: options.file,
                hint: `Export ${name}, or give a default with \${${name}:-value}.`,
              },
            );
          }
          options.onSubstitute?.(formatPath(path), result);
          return result;
        },
      );
      return out;
    }
    if (Array.isArray(v)) return v.map((item, i) => visit(item, [...path, i]));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = visit(item, [...path, k]);
      return out;
    }
    return v;
  };
  return visit(value, []) as T;
}
