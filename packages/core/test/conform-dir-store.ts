// A small folder store for the crash cases of the conformance suite: each run writes
// <root>/<entity>/<runId>/ and publishes it by atomically replacing <root>/<entity>/CURRENT;
// open() and commit() remove run folders CURRENT does not name (what a crashed run left).
// `repair: false` makes a store that only removes the run it replaced (the suite must fail it).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RecordBatch, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import type { CommitState, Store, WriteContext } from "../src/contracts/store.js";
import { faultPoint } from "../src/fault.js";

const current = (dir: string) => {
  try {
    return readFileSync(join(dir, "CURRENT"), "utf8");
  } catch {
    return undefined;
  }
};

export const DIR_STORE_POINTS = ["dir:before-publish", "dir:after-publish"];

export function dirStore(root: string, entity: string, { repair = true } = {}): Store {
  const dir = join(root, entity);
  let run: string | undefined;
  let n = 0;
  const clean = (keep?: string) => {
    for (const f of readdirSync(dir))
      if (f !== "CURRENT" && f !== keep) rmSync(join(dir, f), { recursive: true });
  };
  return {
    supports: { runTypes: ["full_drop"] },
    async open(ctx: WriteContext) {
      mkdirSync(dir, { recursive: true });
      if (repair) clean(current(dir));
      run = ctx.runId.replace(/[^\w-]/g, "_");
      mkdirSync(join(dir, run));
    },
    async write(batch: RecordBatch) {
      writeFileSync(join(dir, run!, `${String(n++).padStart(6, "0")}.arrow`), tableToIPC(new Table(batch)));
    },
    async commit(_state: CommitState) {
      faultPoint("dir:before-publish");
      const previous = current(dir);
      writeFileSync(join(dir, "CURRENT.tmp"), run!);
      renameSync(join(dir, "CURRENT.tmp"), join(dir, "CURRENT"));
      faultPoint("dir:after-publish");
      if (repair) clean(run);
      else if (previous !== undefined) rmSync(join(dir, previous), { recursive: true });
      return { rows: 0, locations: [join(dir, run!)] };
    },
    async abort() {
      if (run) rmSync(join(dir, run), { recursive: true, force: true });
    },
  };
}

/** The published batches of `entity`, read from the files (undefined when nothing is published). */
export function readDir(root: string, entity: string): RecordBatch[] | undefined {
  const dir = join(root, entity);
  const run = current(dir);
  if (run === undefined) return undefined;
  return readdirSync(join(dir, run))
    .sort()
    .flatMap((f) => tableFromIPC(readFileSync(join(dir, run, f))).batches);
}

/** Everything under the entity's folder that is not the published run: staging, a half-written CURRENT. */
export function dirLeftovers(root: string, entity: string): string[] {
  const dir = join(root, entity);
  const run = current(dir);
  try {
    return readdirSync(dir).filter((f) => f !== "CURRENT" && f !== run);
  } catch {
    return [];
  }
}
