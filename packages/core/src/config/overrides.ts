import { HyggeError } from "../errors.js";
import { isPlainObject } from "./merge.js";

/** Parses a `--var` value: true/false/null, numbers, JSON arrays/objects, otherwise the string. */
export function parseScalar(text: string): unknown {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(text) && Number.isSafeInteger(Math.trunc(Number(text)))) return Number(text);
  if (/^[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Applies `--var flow.NAME.key.path=value` overrides to a project object (returns a copy).
 * `flow.NAME.x` sets `flows.NAME.x`; `options.x` and other top-level paths set that path.
 */
export function applyOverrides<T extends Record<string, unknown>>(
  project: T,
  overrides: readonly string[],
): T {
  const out = structuredClone(project) as Record<string, unknown>;
  for (const raw of overrides) {
    const eq = raw.indexOf("=");
    if (eq <= 0) {
      throw new HyggeError("USAGE", `--var "${raw}" must look like flow.NAME.key.path=value`);
    }
    const keyPath = raw.slice(0, eq).split(".");
    const value = parseScalar(raw.slice(eq + 1));
    if (keyPath[0] === "flow") keyPath[0] = "flows";
    if (keyPath[0] === "flows") {
      const flows = (out.flows ?? {}) as Record<string, unknown>;
      if (keyPath.length < 3 || !(keyPath[1]! in flows)) {
        throw new HyggeError("USAGE", `--var "${raw}": no flow named "${keyPath[1] ?? ""}"`, {
          hint: `Flows: ${Object.keys(flows).join(", ") || "none"}.`,
        });
      }
    }
    let node = out;
    for (const key of keyPath.slice(0, -1)) {
      if (!isPlainObject(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keyPath[keyPath.length - 1]!] = value;
  }
  return out as T;
}
