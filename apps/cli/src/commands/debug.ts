import {
  type CheckResult,
  createContext,
  describeError,
  type EntityRun,
  Factory,
  type Home,
  pendingSchemaChange,
  type RunJournal,
  RunResources,
  type Store,
  typeNameOf,
} from "@hygge/core";
import { EXIT } from "../exit.js";
import { colorsFor, out } from "../io.js";
import { shortenPaths } from "../project/find.js";
import { pendingColumns, refusedColumns } from "../render/schema-change.js";
import { openJournal } from "./run-session.js";
import { prepare, setupProject } from "./setup.js";

interface Problem extends CheckResult {
  where: string;
}

export interface DebugOptions {
  project?: string;
  flow?: string[];
  entity?: string[];
  var?: string[];
  verbose?: boolean;
}

/**
 * `hygge debug`: validates the project, loads its plugins, then asks every home and store to check
 * itself (source paths exist, destinations writable, connections answer). Moves no data.
 * Exit 1 when anything is found, so a scheduler can run it before `go`.
 */
export async function debug(options: DebugOptions): Promise<number> {
  const c = colorsFor(process.stdout);
  const setup = await setupProject(options.project);
  out(`${c.green("✓")} project ${setup.project.sources.project}`);
  for (const p of setup.plugins) out(`${c.green("✓")} plugin ${p.plugin.name} (${p.entry})`);
  const prepared = await prepare(setup, {
    flows: options.flow,
    entities: options.entity,
    overrides: options.var,
  });
  out(
    `${c.green("✓")} configuration valid: ${prepared.runs.length} entit${prepared.runs.length === 1 ? "y" : "ies"}`,
  );

  const journal = openJournal(setup);
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
          const checks = (await (kind === "home"
            ? (target as Home).check?.()
            : (target as Store).check?.({ runType: run.runType }))) ?? [
            {
              ok: true,
              subject: factory.describe(kind, run[kind], ctx),
              message: "no check available for this type",
            },
          ];
          // A home whose own check failed (no table, no folder) would fail its schema the same way.
          if (kind === "home" && checks.every((c) => c.ok))
            checks.push(
              ...(await schemaCheck(target as Home, run, factory.describe(kind, run.home, ctx), journal, {
                canDrop: !prepared.registry.isFileStore(run.store.type),
              })),
            );
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

/**
 * The schema the home will produce (a CSV or NDJSON home infers it from a sample of its first
 * file: this is where users see what was inferred, and declare `columns:` if it is not right),
 * and the change of columns the next run would make or refuse, against the journal's record of
 * the destination's columns after the last passed run.
 */
async function schemaCheck(
  home: Home,
  run: EntityRun,
  subject: string,
  journal: RunJournal | undefined,
  options: { canDrop: boolean },
): Promise<CheckResult[]> {
  if (!home.schema) return [];
  const controller = new AbortController();
  try {
    const schema = await home.schema({
      signal: controller.signal,
      flow: run.flow,
      entity: run.entity,
      runType: run.runType,
    });
    const columns = schema.fields.map((f) => `${f.name} ${typeNameOf(f)}`).join(", ");
    const checks: CheckResult[] = [{ ok: true, subject, message: `schema: ${columns || "(no columns)"}` }];
    const published = run.runType === "full_drop" ? undefined : await journal?.lastSchema?.(run);
    const pending = pendingSchemaChange(run, schema, published, options);
    if (pending.schemaChange)
      checks.push({ ok: true, subject, message: pendingColumns(pending.schemaChange, run.onSchemaChange) });
    if (pending.schemaRefused)
      checks.push({
        ok: false,
        subject,
        message: refusedColumns(pending.schemaRefused),
        hint: pending.schemaRefusedHint,
      });
    return checks;
  } catch (error) {
    return [{ ok: false, subject, message: describeError(error).split("\n")[0]!, hint: hintOf(error) }];
  } finally {
    controller.abort();
  }
}

function hintOf(error: unknown): string | undefined {
  const hint = (error as { hint?: unknown })?.hint;
  return typeof hint === "string" ? hint : undefined;
}
