import picomatch from "picomatch";
import { HyggeError } from "../errors.js";

/** An entity list item that is a pattern rather than a name: has `*`, `?`, `[`, `{`, or starts with `!`. */
export function isEntityPattern(item: string): boolean {
  return item.startsWith("!") || /[*?[\]{}]/.test(item);
}

/**
 * A matcher for `entities:` patterns: `sales.*`, `sales.order_?`, `{sales,crm}.*`, and exclusions
 * `!sales.tmp_*`. A name matches when it matches at least one inclusion and no exclusion; with only
 * exclusions, everything else matches. `*` does not cross a `/` (folders of a file home), and
 * matching is case-sensitive, as table and folder names are.
 */
export function entityPatternMatcher(patterns: readonly string[]): (name: string) => boolean {
  const include: ((s: string) => boolean)[] = [];
  const exclude: ((s: string) => boolean)[] = [];
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    const pattern = negated ? raw.slice(1) : raw;
    if (pattern.length === 0)
      throw new HyggeError("CONFIG_INVALID", `entity pattern "${raw}" is empty`, {
        hint: 'Write a name or a glob such as "sales.*" or "!sales.tmp_*".',
      });
    (negated ? exclude : include).push(picomatch(pattern, { dot: true }));
  }
  return (name) => (include.length === 0 || include.some((m) => m(name))) && !exclude.some((m) => m(name));
}
