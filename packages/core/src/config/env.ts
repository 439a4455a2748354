import { HyggeError } from "../errors.js";
import { formatPath } from "./issues.js";
import { isPlainObject } from "./merge.js";

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value. Unset variables without a
 * default are one error naming every such variable, the keys that use it and the file. `$${...}`
 * is a literal. Reports each value substituted, so callers can treat it as a secret where the key
 * says so.
 */
export function substituteEnv<T>(
  value: T,
  env: Record<string, string | undefined>,
  options: { file?: string; onSubstitute?: (path: string, value: string) => void } = {},
): T {
  /** Missing variable → the key paths that use it, in the order first met. */
  const missing = new Map<string, string[]>();
  const visit = (v: unknown, path: PropertyKey[]): unknown => {
    if (typeof v === "string") {
      return v.replace(
        /(\$)?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
        (match, escaped, name, fallback) => {
          if (escaped) return match.slice(1);
          const found = env[name];
          const result = found !== undefined && found !== "" ? found : fallback;
          if (result === undefined) {
            const paths = missing.get(name) ?? [];
            const at = formatPath(path);
            if (!paths.includes(at)) paths.push(at);
            missing.set(name, paths);
            return match;
          }
          options.onSubstitute?.(formatPath(path), result);
          return result;
        },
      );
    }
    if (Array.isArray(v)) return v.map((item, i) => visit(item, [...path, i]));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = visit(item, [...path, k]);
      return out;
    }
    return v;
  };
  const out = visit(value, []) as T;
  if (missing.size > 0) throw missingError(missing, options.file);
  return out;
}

function missingError(missing: Map<string, string[]>, file: string | undefined): HyggeError {
  const names = [...missing.keys()];
  const used = (name: string) => `used at ${missing.get(name)!.join(", ")}`;
  const first = names[0]!;
  if (names.length === 1) {
    return new HyggeError("CONFIG_INVALID", `environment variable ${first} is not set (${used(first)})`, {
      subject: file,
      hint: `Export ${first}, or give a default with \${${first}:-value}.`,
    });
  }
  return new HyggeError(
    "CONFIG_INVALID",
    `${names.length} environment variables are not set: ${names.map((n) => `${n} (${used(n)})`).join("; ")}`,
    {
      subject: file,
      hint: `Export ${names.join(", ")}, or give defaults with \${${first}:-value}.`,
    },
  );
}
