import { coerceToSchema } from "../config/coerce.js";
import { type ConfigIssue, zodIssues } from "../config/issues.js";
import { deepMerge } from "../config/merge.js";
import { type FlowConfig, type ProjectConfig, projectSchema } from "../config/schema.js";
import type { Logger } from "../contracts/common.js";
import type { ResolvedConnection, ResourceScope } from "../contracts/plugin.js";
import { errorMessage, HyggeError, isAbortError, isHyggeError } from "../errors.js";
import { createContext } from "../factory.js";
import type { Registry } from "../registry.js";
import type { FlowDiscovery } from "./expand.js";
import { splitEntityPatterns, unmatchedInclusions } from "./expand.js";
import { mergeLevels } from "./merge-levels.js";
import { type PlanOptions, type ProjectPlan, planConnections, planProject } from "./plan.js";
import { typeIssue } from "./plan-issues.js";

export interface DiscoveryScope {
  /** Only these flows are asked (`--flow`, and the flows of `--entity` ids); none: every flow. */
  select?: { flows?: readonly string[]; entities?: readonly string[] };
  /** Relative paths in home options resolve against this folder. */
  projectDir: string;
  /** Where discovery's connection pools live; the caller closes them. */
  resources: ResourceScope;
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * Plans a project whose flows may list `entities:` patterns (`sales.*`, `!sales.tmp_*`): each such
 * flow's home is asked what it holds (its definition's `discover`, with the flow's home block and
 * `defaults.home`), then `planProject` expands the patterns. A project without patterns opens
 * nothing. Discovery that fails (a connection down) throws, naming the flow and the connection.
 */
export async function planProjectWithDiscovery(
  input: ProjectConfig,
  registry: Registry,
  options: PlanOptions & DiscoveryScope,
): Promise<ProjectPlan> {
  const discovery = await discoverFlows(input, registry, options);
  return planProject(input, registry, { ...options, discovery: { ...options.discovery, ...discovery } });
}

/** Asks the home of every enabled flow with patterns what it holds (one flow after the other). */
export async function discoverFlows(
  input: ProjectConfig,
  registry: Registry,
  scope: DiscoveryScope & Pick<PlanOptions, "sources">,
): Promise<Record<string, FlowDiscovery>> {
  const split = splitEntityPatterns(input);
  const out: Record<string, FlowDiscovery> = {};
  if (Object.keys(split.patterns).length === 0) return out;
  const parsed = projectSchema.safeParse(coerceToSchema(projectSchema, split.project));
  // An invalid project: planProject reports why, and nothing is opened.
  if (!parsed.success) return out;
  const connections = planConnections(parsed.data, registry, undefined, []);
  for (const [flowName, patterns] of Object.entries(split.patterns)) {
    const flow = parsed.data.flows?.[flowName];
    if (!flow || flow.enabled === false) continue;
    if (!selected(flowName, scope.select)) {
      out[flowName] = { skipped: true };
      continue;
    }
    const file = scope.sources?.flows?.[flowName] ?? scope.sources?.project;
    out[flowName] = await discoverFlow(flowName, flow, patterns, file, registry, connections, scope);
  }
  return out;
}

async function discoverFlow(
  flowName: string,
  flow: FlowConfig,
  patterns: string[],
  file: string | undefined,
  registry: Registry,
  connections: Record<string, ResolvedConnection>,
  scope: DiscoveryScope,
): Promise<FlowDiscovery> {
  const levels = [flow.home, flow.defaults?.home];
  const type = deepMerge<{ type?: string }>(...levels).type ?? "";
  let entry: ReturnType<Registry["home"]>;
  try {
    entry = registry.home(type);
  } catch (error) {
    return { issues: [typeIssue(error, file, ["home", "type"], `flow ${flowName}`)] };
  }
  const { discover, discoverOptions, options: schema, alternatives } = entry.definition;
  if (!discover) {
    return {
      issues: [
        {
          file,
          path: "entities",
          message: `${patterns.map((p) => `"${p}"`).join(", ")}: patterns need a home that can list its entities, and home type "${type}" (${entry.plugin}) cannot`,
          hint: `List the entities by name under entities:, or use a home type that can list what it holds (hygge discover says which).`,
        },
      ],
    };
  }
  const { type: _, ...rest } = mergeLevels<{ type?: string }>(levels, alternatives);
  const optionsSchema = discoverOptions ?? schema;
  const result = optionsSchema.safeParse(coerceToSchema(optionsSchema, rest), { reportInput: true });
  if (!result.success) {
    const issues = zodIssues(optionsSchema, result.error, { prefix: ["home"] }).map(
      // As planEntity words them: an entity listed by name next to the patterns reports it once.
      (issue): ConfigIssue => ({ ...issue, file }),
    );
    return { issues };
  }
  const options = result.data as Record<string, unknown>;
  const connection = typeof options.connection === "string" ? options.connection : undefined;
  if (connection !== undefined && !(connection in connections)) {
    return {
      issues: [
        {
          file,
          path: "home.connection",
          message: `unknown connection "${connection}"`,
          hint: `connections declared in hygge.yml: ${Object.keys(connections).join(", ") || "none"}`,
        },
      ],
    };
  }
  const home = where(type, options);
  const ctx = createContext({ flow: flowName }, { ...scope, connections });
  const signal = scope.signal ?? new AbortController().signal;
  try {
    const names = (await discover(options, ctx, { signal, patterns })).map((e) => e.name);
    // A home may narrow its answer with the patterns: to say what it holds, ask it again without.
    if (unmatchedInclusions(patterns, names).length === 0) return { names, home };
    const holds = (await discover(options, ctx, { signal })).map((e) => e.name);
    return { names, home, holds };
  } catch (error) {
    if (isAbortError(error)) throw error;
    const cause = isHyggeError(error) ? error : undefined;
    throw new HyggeError(
      cause?.code ?? "CONNECTION_FAILED",
      `cannot list what ${home} holds, to expand entities: ${patterns.join(", ")}${file ? ` (${file})` : ""}: ${errorMessage(error)}`,
      {
        flow: flowName,
        plugin: entry.plugin,
        subject: file,
        cause: error,
        hint:
          cause?.hint ??
          `Check that ${connection ? `connection ${connection}` : "the home"} answers (\`hygge discover${connection ? ` ${connection}` : ""}\`), or list the entities by name.`,
      },
    );
  }
}

/** Whether a run with these `--flow`/`--entity` filters (comma lists allowed) runs any of `flow`. */
function selected(flow: string, select: DiscoveryScope["select"]): boolean {
  const list = (values: readonly string[] | undefined) =>
    (values ?? [])
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter(Boolean);
  const flows = list(select?.flows);
  const entities = list(select?.entities);
  if (flows.length === 0 && entities.length === 0) return true;
  return flows.includes(flow) || entities.some((id) => id === flow || id.startsWith(`${flow}.`));
}

/** What a home block points at, for messages: its connection and path, never a secret. */
function where(type: string, options: Record<string, unknown>): string {
  const parts = [
    typeof options.connection === "string" ? `connection ${options.connection}` : undefined,
    typeof options.path === "string" ? `path ${options.path}` : undefined,
  ].filter(Boolean);
  return `${type} home${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}
