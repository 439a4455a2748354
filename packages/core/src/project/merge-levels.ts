import { deepMerge } from "../config/merge.js";

type Level = Record<string, unknown> | undefined;

/**
 * Deep-merges a block's levels (flow, defaults, entity: later wins) where some top-level keys
 * replace each other: with `alternatives: [["table", "query"]]`, a level that sets `query`
 * removes the `table` of every less specific level instead of both reaching the plugin's schema
 * (which would refuse them together). Keys set together on one level are left to the schema.
 */
export function mergeLevels<T extends Record<string, unknown>>(
  levels: readonly Level[],
  alternatives: readonly (readonly string[])[] = [],
): T {
  if (alternatives.length === 0) return deepMerge<T>(...levels);
  const trimmed = levels.map((level, i) => {
    if (!level) return level;
    let out: Record<string, unknown> | undefined;
    for (const group of alternatives) {
      for (const later of levels.slice(i + 1)) {
        const set = group.filter((key) => later?.[key] !== undefined);
        if (set.length === 0) continue;
        for (const key of group) {
          if (set.includes(key) || !(key in level)) continue;
          out ??= { ...level };
          delete out[key];
        }
      }
    }
    return out ?? level;
  });
  return deepMerge<T>(...trimmed);
}
