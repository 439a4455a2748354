import {
  type CheckResult,
  createContext,
  describeError,
  Factory,
  type Home,
  RunResources,
  type Store,
} from "@hygge/core";
import { EXIT } from "../exit.js";
import { colorsFor, out } from "../io.js";
import { shortenPaths } from "../project/find.js";
import { prepare, setupProject } from "./setup.js";

interface Problem extends CheckResult {
  where: string;
}

/**
 * `hygge debug`: validates the project, loads its plugins, then asks every home and store to check
 * itself (source paths exist, destinations writable, connections answer). Moves no data.
 */
export async function debug(options: { project?: string; verbose?: boolean }): Promise<number> {
  const c = colorsFor(process.stdout);
  const setup = await setupProject(options.project);
  out(`${c.green("✓")} project ${setup.project.sources.project}`);
  for (const p of setup.plugins) out(`${c.green("✓")} plugin ${p.plugin.name} (${p.entry})`);
  const prepared = prepare(setup);
  out(
    `${c.green("✓")} configuration valid: ${prepared.runs.length} entit${prepared.runs.length === 1 ? "y" : "ies"}`,
  );

  const factory = new Factory(prepared.registry);
  const resources = new RunResources();
  const results: Problem[] = [];
  const seen = new Set<string>();
  try {
    for (const run of prepared.runs) {
      const ctx = createContext(run, {
        projectDir: prepared.projectDir,
        connections: prepared.plan.connections,
        resources,
      });
      for (const kind of ["home", "store"] as const) {
        const where = `${run.id} ${kind}`;
        let target: Home | Store | undefined;
        try {
          target = kind === "home" ? await factory.home(run.home, ctx) : await factory.store(run.store, ctx);
          const checks = (await target.check?.()) ?? [
            {
              ok: true,
              subject: factory.describe(kind, run[kind], ctx),
              message: "no check available for this type",
            },
          ];
          for (const check of checks) {
            const key = `${kind}|${check.subject}|${check.message}`;
            if (seen.has(key)) continue;
            seen.add(key);
            results.push({ ...check, where });
          }
        } catch (error) {
          results.push({
            ok: false,
            where,
            subject: run[kind].type,
            message: describeError(error).split("\n")[0]!,
            hint: hintOf(error),
          });
        } finally {
          await target?.close?.().catch(() => undefined);
        }
      }
    }
  } finally {
    await resources.closeAll();
  }
  for (const r of results) {
    if (r.ok && !options.verbose && r.message === "no check available for this type") continue;
    out(shortenPaths(`${r.ok ? c.green("✓") : c.red("✗")} ${r.where}: ${r.subject}: ${r.message}`));
    if (!r.ok && r.hint) out(`    ${c.yellow(`hint: ${shortenPaths(r.hint)}`)}`);
  }
  const problems = results.filter((r) => !r.ok).length;
  out(
    problems === 0
      ? c.green("no problems found")
      : c.red(`${problems} problem${problems === 1 ? "" : "s"} found`),
  );
  return problems === 0 ? EXIT.OK : EXIT.FAILED;
}

function hintOf(error: unknown): string | undefined {
  const hint = (error as { hint?: unknown })?.hint;
  return typeof hint === "string" ? hint : undefined;
}
