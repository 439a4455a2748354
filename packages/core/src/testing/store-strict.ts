import type { RecordBatch } from "apache-arrow";
import type { Json } from "../arrow/values.js";
import type { Store } from "../contracts/store.js";
import { crashData } from "./crash.js";
import { expectSameRows, firstTextDifference } from "./diff.js";
import type { jestGlobals } from "./jest-globals.js";
import type { StoreSuiteOptions } from "./store-suite.js";
import { sequenceBatches } from "./type-matrix.js";

/** The suite's checks a plugin may opt out of, by name and with a reason (`optOut`). */
export type StrictCheck = "abort-leftovers" | "commit-leftovers" | "failing-commit" | "crash";

export type Row = Record<string, Json>;
export interface DestinationState {
  rows: Row[] | undefined;
  snapshot: string | undefined;
}

/** What store-suite.ts shares with the strict cases. */
export interface StrictContext {
  options: StoreSuiteOptions;
  globals: ReturnType<typeof jestGlobals>;
  entity(label: string): string;
  state(entity: string): Promise<DestinationState>;
  run(entity: string, batches: RecordBatch[], store?: () => Store | Promise<Store>): Promise<unknown>;
}

/** The engine's own fault points, hit by every store's run. */
const ENGINE_POINTS = ["engine:before-commit", "engine:after-commit"];

/** Throws naming what changed when the destination is not exactly as `before`. */
export async function expectUnchanged(
  ctx: StrictContext,
  entity: string,
  before: DestinationState,
  what: string,
) {
  const now = await ctx.state(entity);
  if ((before.rows === undefined) !== (now.rows === undefined)) {
    throw new Error(`${what}: the destination ${before.rows === undefined ? "appeared" : "disappeared"}`);
  }
  if (before.rows && now.rows)
    expectSameRows(now.rows, before.rows, `${what}: the destination`, "what it was before");
  const changed = firstTextDifference(before.snapshot, now.snapshot);
  if (changed) throw new Error(`${what}: snapshot() of the destination changed, ${changed}`);
}

/** Throws naming the leftovers / the handles still open, when `inspect` is given. */
export async function expectClean(
  ctx: StrictContext,
  entity: string,
  handlesBefore: number | undefined,
  what: string,
) {
  const inspect = ctx.options.inspect;
  if (!inspect) return;
  const left = await inspect.leftovers(entity);
  if (left.length > 0) throw new Error(`${what}: left behind in staging: ${left.join(", ")}`);
  if (handlesBefore === undefined || !inspect.openHandles) return;
  await inspect.releaseHandles?.();
  const open = await inspect.openHandles();
  if (open !== undefined && open > handlesBefore) {
    throw new Error(
      `${what}: ${open - handlesBefore} handle(s) still open (${open} now, ${handlesBefore} before)`,
    );
  }
}

export const handles = async (ctx: StrictContext) => {
  await ctx.options.inspect?.releaseHandles?.();
  return ctx.options.inspect?.openHandles?.();
};

const context = (entity: string, runId: string) => ({
  signal: new AbortController().signal,
  flow: "conformance",
  entity,
  runId,
  runType: "full_drop" as const,
});

/** The cases that check what a store leaves behind, its failing commit and its crash repair. */
export function strictStoreCases(ctx: StrictContext): void {
  const { it, expect } = ctx.globals;
  const { options } = ctx;
  const optOut = options.optOut ?? {};
  const maybe = (check: StrictCheck, title: string, missing: string | undefined, fn: () => Promise<void>) => {
    if (optOut[check]) it.skip(`${title} (opted out: ${optOut[check]})`, fn);
    else if (missing) it.skip(`${title} (skipped: ${missing})`, fn);
    else it(title, fn);
  };
  const noInspect = options.inspect ? undefined : "no inspect hook given";

  maybe(
    "abort-leftovers",
    "after abort() and close(), nothing is left in staging and no handle is open",
    noInspect,
    async () => {
      const name = ctx.entity("leftover");
      await ctx.run(name, sequenceBatches(10, 5));
      const before = await ctx.state(name);
      const baseline = await handles(ctx);
      const store = await options.create(name);
      await store.open(context(name, "conformance-abort"));
      for (const batch of sequenceBatches(600, 100, 7000)) await store.write(batch);
      await store.abort(new Error("conformance: abort after writes"));
      await store.close?.();
      await expectClean(ctx, name, baseline, `${options.name}: after abort() and close()`);
      await expectUnchanged(ctx, name, before, `${options.name}: after abort()`);
    },
  );

  maybe(
    "commit-leftovers",
    "after commit() and close(), nothing is left in staging and no handle is open",
    noInspect,
    async () => {
      const name = ctx.entity("committed");
      const baseline = await handles(ctx);
      await ctx.run(name, sequenceBatches(300, 100));
      await ctx.run(name, sequenceBatches(30, 7, 300));
      await expectClean(ctx, name, baseline, `${options.name}: after two committed runs`);
      expect((await ctx.state(name)).rows?.length).toBe(30);
    },
  );

  maybe(
    "failing-commit",
    "a commit failing mid-publish leaves the destination as before, and the next run publishes",
    options.failingCommit ? undefined : "no failingCommit store given",
    async () => {
      const name = ctx.entity("midpublish");
      await ctx.run(name, sequenceBatches(40, 10));
      const before = await ctx.state(name);
      const baseline = await handles(ctx);
      const error = await ctx
        .run(name, sequenceBatches(500, 100, 3000), () => options.failingCommit!(name))
        .then(() => undefined)
        .catch((e: unknown) => e);
      if (error === undefined) throw new Error(`${options.name}: the failingCommit store's run succeeded`);
      await expectUnchanged(ctx, name, before, `${options.name}: after a commit that failed mid-publish`);
      await expectClean(ctx, name, baseline, `${options.name}: after a commit that failed mid-publish`);
      await ctx.run(name, sequenceBatches(12, 5, 800));
      const after = await ctx.state(name);
      expectSameRows(
        after.rows,
        sequenceBatches(12, 5, 800),
        `${options.name}: the run after the failed commit`,
      );
    },
  );

  const crash = options.crash;
  const points = crash ? [...crash.points, ...ENGINE_POINTS] : [];
  if (!crash) {
    maybe(
      "crash",
      "a crash at each of the store's fault points is repaired by the next run",
      "no crash options (no fault points declared)",
      async () => {},
    );
    return;
  }
  for (const point of points) {
    const absent = crash.absentAfter?.[point];
    const title = absent
      ? `a crash at ${point} leaves the old data, the new data or (documented: ${absent}) none, and the next run repairs it`
      : `a crash at ${point} leaves the old or the new data, and the next run repairs it`;
    maybe("crash", title, undefined, async () => {
      const name = ctx.entity("crash");
      await ctx.run(name, sequenceBatches(20, 10));
      const before = await ctx.state(name);
      const child = await crash.spawn(name, { HYGGE_FAULT_KILL_AT: point });
      if (child.signal !== "SIGKILL") {
        throw new Error(
          `${options.name}: the child was not killed at ${point} (exit ${child.code ?? child.signal}): ${child.code === 0 ? "the point was never reached" : "it failed before reaching the point"}. ${child.stderr.slice(0, 500)}`,
        );
      }
      const now = await ctx.state(name);
      const gap = absent !== undefined && now.rows === undefined;
      const isOld =
        now.rows !== undefined && before.rows !== undefined && now.rows.length === before.rows.length;
      // At a documented gap (`absentAfter`) an absent destination is accepted: only the repair is checked.
      if (!gap && isOld)
        await expectUnchanged(ctx, name, before, `${options.name}: after a crash at ${point}`);
      else if (!gap) {
        const what = `${options.name}: after a crash at ${point} (neither the old data nor the new)`;
        expectSameRows(now.rows, crashData(), what);
      }
      const baseline = await handles(ctx);
      await ctx.run(name, sequenceBatches(9, 4, 900));
      expectSameRows(
        (await ctx.state(name)).rows,
        sequenceBatches(9, 4, 900),
        `${options.name}: the run after a crash at ${point}`,
      );
      await expectClean(ctx, name, baseline, `${options.name}: the run after a crash at ${point}`);
    });
  }
}
