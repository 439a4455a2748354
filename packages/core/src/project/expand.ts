import type { ConfigIssue } from "../config/issues.js";
import { isPlainObject } from "../config/merge.js";
import { entitySchema, type ProjectConfig } from "../config/schema.js";
import { isHyggeError } from "../errors.js";
import { entityPatternMatcher, isEntityPattern } from "./entity-patterns.js";

/** The `entities:` patterns of each flow, taken out of the project before it is validated. */
export interface SplitProject {
  /** The project with every pattern removed from the `entities:` lists. */
  project: ProjectConfig;
  /** Flow name → its pattern items (`sales.*`, `!sales.tmp_*`), in the order written. */
  patterns: Record<string, string[]>;
  /** Flow name → for each item left in `entities:`, its index in the list as written. */
  indexes: Record<string, number[]>;
}

/**
 * Takes the pattern items out of every flow's `entities:` list: the project schema accepts names
 * only, and patterns are resolved against what the home holds (`discover`) before planning.
 */
export function splitEntityPatterns(input: ProjectConfig): SplitProject {
  const patterns: Record<string, string[]> = {};
  const indexes: Record<string, number[]> = {};
  if (!isPlainObject(input) || !isPlainObject(input.flows)) return { project: input, patterns, indexes };
  const flows: Record<string, unknown> = { ...input.flows };
  for (const [name, flow] of Object.entries(flows)) {
    if (!isPlainObject(flow) || !Array.isArray(flow.entities)) continue;
    const items = flow.entities as unknown[];
    const found = items.filter((e): e is string => typeof e === "string" && isEntityPattern(e));
    if (found.length === 0) continue;
    patterns[name] = found;
    indexes[name] = items.flatMap((e, i) => (typeof e === "string" && isEntityPattern(e) ? [] : [i]));
    flows[name] = { ...flow, entities: items.filter((e) => !(typeof e === "string" && isEntityPattern(e))) };
  }
  return { project: { ...input, flows } as ProjectConfig, patterns, indexes };
}

/** `flows.F.entities[i]` of the project without patterns → the index as written. */
export function originalEntityPath(path: string, indexes: Record<string, number[]>): string {
  return path.replace(/^flows\.([^.[]+)\.entities\[(\d+)\]/, (whole, flow: string, i: string) => {
    const original = indexes[flow]?.[Number(i)];
    return original === undefined ? whole : `flows.${flow}.entities[${original}]`;
  });
}

/**
 * What a home answered for a flow's patterns: its entity names, or why it could not answer, or
 * `skipped` for a flow the run does not select (`--flow`, `--entity`): it is not asked, and its
 * patterns expand to nothing.
 */
export type FlowDiscovery = DiscoveredNames | { issues: ConfigIssue[] } | { skipped: true };

export interface DiscoveredNames {
  /** What the home answered for the patterns (it may have narrowed its answer with them). */
  names: readonly string[];
  /** The home, as error messages name it (`postgres home (connection pg)`). */
  home: string;
  /** Everything it holds, asked again without patterns when a pattern matched nothing (for the message). */
  holds?: readonly string[];
}

/** The inclusions (`sales.*`) among patterns that match none of the names. */
export function unmatchedInclusions(patterns: readonly string[], names: readonly string[]): string[] {
  return patterns
    .filter((p) => !p.startsWith("!"))
    .filter((p) => {
      try {
        const m = entityPatternMatcher([p]);
        return !names.some((n) => m(n));
      } catch {
        return false; // an invalid pattern is reported by expandPatterns
      }
    });
}

/** One entity a flow's patterns brought in, with the pattern that matched it. */
export interface PatternEntity {
  name: string;
  pattern: string;
}

const nameSchema = entitySchema.shape.name;

/**
 * The entities a flow's patterns select from the names its home holds: every name matching an
 * inclusion and no exclusion, in the home's order, except the names listed explicitly (which win:
 * they keep their own settings). An inclusion matching nothing the home holds is an issue (most
 * likely the wrong connection or schema); an exclusion matching nothing is fine.
 */
export function expandPatterns(
  patterns: readonly string[],
  discovered: DiscoveredNames,
  explicit: ReadonlySet<string>,
  file: string | undefined,
  flow: string,
  issues: ConfigIssue[],
  warnings: string[] = [],
): PatternEntity[] {
  const exclusions = patterns.filter((p) => p.startsWith("!"));
  const inclusions = patterns.filter((p) => !p.startsWith("!"));
  if (inclusions.length === 0 && explicit.size > 0) {
    // `[sales.orders, "!sales.tmp_*"]` would otherwise mean every table but tmp_* (exclusions alone
    // select everything else): far more than the names listed. Said, not guessed.
    issues.push({
      file,
      path: "entities",
      message: `${exclusions.map((p) => `"${p}"`).join(", ")} next to names: exclusions alone select everything else the home holds`,
      hint: 'Add "*" (or "sales.*") to the list to mean everything but the exclusions, or remove the exclusions to run only the names listed.',
    });
    return [];
  }
  let matchers: { pattern: string; any: (n: string) => boolean; kept: (n: string) => boolean }[];
  try {
    matchers =
      inclusions.length > 0
        ? inclusions.map((pattern) => ({
            pattern,
            any: entityPatternMatcher([pattern]),
            kept: entityPatternMatcher([pattern, ...exclusions]),
          }))
        : // Only exclusions: everything the home holds but those.
          [{ pattern: exclusions.join(", "), any: () => true, kept: entityPatternMatcher(exclusions) }];
  } catch (error) {
    if (!isHyggeError(error)) throw error;
    issues.push({ file, path: "entities", message: error.message, hint: error.hint });
    return [];
  }
  const out: PatternEntity[] = [];
  const taken = new Set(explicit);
  for (const m of matchers) {
    const matched = discovered.names.filter((n) => m.any(n));
    if (matched.length === 0 && inclusions.length > 0) {
      issues.push(noMatchIssue(m.pattern, discovered, file, flow));
      continue;
    }
    for (const name of matched) {
      if (taken.has(name) || !m.kept(name)) continue;
      taken.add(name);
      const valid = nameSchema.safeParse(name);
      if (!valid.success) {
        // A table someone added with an unusual name must not stop every other entity: skipped, said.
        warnings.push(
          `${file ?? `flow ${flow}`}: "${name}" (matched by "${m.pattern}") is skipped: not a valid entity name (${valid.error.issues[0]?.message}); exclude it with "!${name}", or read it in a flow of its own with an entity name and table: or query:`,
        );
        continue;
      }
      out.push({ name, pattern: m.pattern });
    }
  }
  return out;
}

function noMatchIssue(
  pattern: string,
  discovered: DiscoveredNames,
  file: string | undefined,
  flow: string,
): ConfigIssue {
  const { home } = discovered;
  const names = discovered.holds ?? discovered.names;
  const shown = 20;
  const holds =
    names.length === 0
      ? "it holds no entity at all"
      : names.length <= shown
        ? `it holds: ${names.join(", ")}`
        : `it holds ${names.length} entities, the first ${shown}: ${names.slice(0, shown).join(", ")}`;
  return {
    file,
    path: "entities",
    message: `pattern "${pattern}" of flow ${flow} matches nothing in ${home} (${holds})`,
    hint:
      names.length === 0
        ? "Check that the connection points at the database or folder you meant; `hygge discover` lists what a connection holds."
        : "Check the connection and the pattern (names are case-sensitive; tables are schema.table); `hygge discover` lists every entity.",
  };
}
