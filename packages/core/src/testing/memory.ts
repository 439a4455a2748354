import type { RecordBatch } from "apache-arrow";
import { z } from "zod";
import { cellToJson } from "../arrow/values.js";
import type { RunType } from "../contracts/common.js";
import type { Home, ReadContext } from "../contracts/home.js";
import type { HyggePlugin } from "../contracts/plugin.js";
import type { CommitState, Store, WriteContext } from "../contracts/store.js";
import { HyggeError } from "../errors.js";
import { abortedError, sleep } from "../flow/retry.js";

interface Dataset {
  batches: RecordBatch[];
  state?: CommitState;
}

/** Named in-memory datasets shared by the memory home and store. */
export class MemoryBackend {
  readonly datasets = new Map<string, Dataset>();
  put(name: string, batches: RecordBatch[]): void {
    this.datasets.set(name, { batches: [...batches] });
  }
  get(name: string): RecordBatch[] | undefined {
    return this.datasets.get(name)?.batches;
  }
  rows(name: string): number {
    return (this.get(name) ?? []).reduce((n, b) => n + b.numRows, 0);
  }
  /** Batches staged by memory stores and neither committed nor discarded yet, by dataset. */
  readonly staged = new Map<string, number>();
  /** Memory stores opened and not closed yet: the "handles" the conformance suite counts. */
  openStores = 0;
  /** What a store left in staging for `name` (the conformance suite's `inspect.leftovers`). */
  leftovers(name: string): string[] {
    const n = this.staged.get(name);
    return n ? [`memory:${name} (${n} staged batches)`] : [];
  }
}

export interface MemoryHomeOptions {
  batchSize?: number;
  /** Fail after yielding this many batches. */
  failAfterBatches?: number;
  /** Mark that failure transient (retried). */
  transient?: boolean;
  delayMs?: number;
  /** Called for each batch handed out (tests observe the producer with it). */
  onYield?: (index: number) => void;
}

/** A home reading fixed batches (re-sliced to `batchSize`), optionally slow or failing. */
export function memoryHome(
  source: RecordBatch[] | (() => RecordBatch[]),
  options: MemoryHomeOptions = {},
): Home {
  const batches = () => {
    const all = typeof source === "function" ? source() : source;
    if (!options.batchSize) return all;
    return all.flatMap((b) => {
      const parts: RecordBatch[] = [];
      for (let i = 0; i < b.numRows; i += options.batchSize!)
        parts.push(b.slice(i, Math.min(b.numRows, i + options.batchSize!)));
      return parts.length > 0 ? parts : [b];
    });
  };
  return {
    async *read(ctx: ReadContext) {
      let index = 0;
      for (const batch of batches()) {
        if (ctx.signal.aborted) throw abortedError(ctx.signal);
        if (options.failAfterBatches !== undefined && index >= options.failAfterBatches) {
          throw new HyggeError(
            "HOME_READ_FAILED",
            `memory home failed after ${index} batches (as configured)`,
            {
              transient: options.transient,
            },
          );
        }
        if (options.delayMs) await sleep(options.delayMs, ctx.signal);
        options.onYield?.(index);
        index++;
        yield batch;
      }
    },
    async estimateRows() {
      return batches().reduce((n, b) => n + b.numRows, 0);
    },
  };
}

export interface MemoryStoreOptions {
  failAfterBatches?: number;
  failOnCommit?: boolean;
  transient?: boolean;
  delayMs?: number;
  runTypes?: RunType[];
  onWrite?: (batch: RecordBatch) => void;
}

/** A transactional store over a MemoryBackend dataset: staged until commit, discarded on abort. */
export function memoryStore(
  backend: MemoryBackend,
  dataset: string,
  options: MemoryStoreOptions = {},
): Store & {
  aborted: unknown[];
  closed: number;
} {
  let staging: RecordBatch[] = [];
  let ctx: WriteContext | undefined;
  let written = 0;
  let opened = false;
  const self = {
    supports: { runTypes: options.runTypes ?? (["full_drop", "incremental"] as RunType[]) },
    aborted: [] as unknown[],
    closed: 0,
    async open(c: WriteContext) {
      ctx = c;
      staging = [];
      written = 0;
      backend.staged.delete(dataset); // repairs what an earlier store left
      if (!opened) backend.openStores++;
      opened = true;
    },
    async write(batch: RecordBatch) {
      if (options.failAfterBatches !== undefined && written >= options.failAfterBatches) {
        throw new HyggeError(
          "STORE_WRITE_FAILED",
          `memory store failed after ${written} batches (as configured)`,
          {
            transient: options.transient,
            subject: dataset,
          },
        );
      }
      if (options.delayMs) await sleep(options.delayMs, ctx?.signal);
      options.onWrite?.(batch);
      staging.push(batch);
      backend.staged.set(dataset, staging.length);
      written++;
    },
    async commit(state: CommitState) {
      if (options.failOnCommit)
        throw new HyggeError("STORE_COMMIT_FAILED", "memory store commit failed (as configured)");
      const previous = backend.datasets.get(dataset);
      const all = state.runType === "full_drop" ? staging : [...(previous?.batches ?? []), ...staging];
      const batches = state.runType === "merge" ? upsert(all, ctx?.primaryKey ?? []) : all;
      backend.datasets.set(dataset, { batches, state });
      const rows = staging.reduce((n, b) => n + b.numRows, 0);
      staging = [];
      backend.staged.delete(dataset);
      return { rows, locations: [`memory:${dataset}`] };
    },
    async abort(error: unknown) {
      self.aborted.push(error);
      staging = [];
      backend.staged.delete(dataset);
    },
    async committedState() {
      return backend.datasets.get(dataset)?.state;
    },
    async close() {
      self.closed++;
      if (opened) backend.openStores--;
      opened = false;
    },
  };
  return self;
}

/** Keeps the last row of each primary key (merge): earlier rows with the same key are replaced. */
function upsert(batches: RecordBatch[], primaryKey: string[]): RecordBatch[] {
  if (primaryKey.length === 0) throw new HyggeError("CONFIG_INVALID", "run_type merge needs a primary_key");
  const keyOf = (b: RecordBatch, i: number) =>
    JSON.stringify(primaryKey.map((k) => cellToJson(b.getChild(k)!, i)));
  const last = new Map<string, [number, number]>();
  batches.forEach((b, bi) => {
    for (let i = 0; i < b.numRows; i++) last.set(keyOf(b, i), [bi, i]);
  });
  const out: RecordBatch[] = [];
  batches.forEach((b, bi) => {
    let start = -1;
    for (let i = 0; i <= b.numRows; i++) {
      const at = i < b.numRows ? last.get(keyOf(b, i)) : undefined;
      const keep = at !== undefined && at[0] === bi && at[1] === i;
      if (keep && start < 0) start = i;
      if (!keep && start >= 0) {
        out.push(b.slice(start, i));
        start = -1;
      }
    }
  });
  return out;
}

const homeOptions = z.strictObject({
  dataset: z.string().optional(),
  batch_size: z.number().int().positive().optional(),
  fail_after_batches: z.number().int().min(0).optional(),
  delay_ms: z.number().int().min(0).optional(),
  transient: z.boolean().optional(),
});
const storeOptions = z.strictObject({
  dataset: z.string().optional(),
  fail_after_batches: z.number().int().min(0).optional(),
  fail_on_commit: z.boolean().optional(),
  delay_ms: z.number().int().min(0).optional(),
  transient: z.boolean().optional(),
});

/** The `memory` home and store as a plugin, for core's own tests and for plugin authors' tests. */
export function memoryPlugin(backend: MemoryBackend): HyggePlugin {
  const name = (opt: { dataset?: string }, ctx: { flow: string; entity?: string }) =>
    opt.dataset ? (ctx.entity ? `${opt.dataset}/${ctx.entity}` : opt.dataset) : (ctx.entity ?? ctx.flow);
  return {
    name: "@hygge/core/testing#memory",
    homes: {
      memory: {
        options: homeOptions,
        create(o: z.output<typeof homeOptions>, ctx) {
          const dataset = name(o, ctx);
          const batches = backend.get(dataset);
          if (!batches) {
            throw new HyggeError("HOME_READ_FAILED", `memory dataset "${dataset}" does not exist`, {
              subject: dataset,
              hint: `datasets: ${[...backend.datasets.keys()].join(", ") || "none"}`,
            });
          }
          return memoryHome(batches, {
            batchSize: o.batch_size,
            failAfterBatches: o.fail_after_batches,
            delayMs: o.delay_ms,
            transient: o.transient,
          });
        },
        describe: (o: z.output<typeof homeOptions>, ctx) => `memory:${name(o, ctx)}`,
      },
    },
    stores: {
      memory: {
        options: storeOptions,
        runTypes: ["full_drop", "incremental"],
        create: (o: z.output<typeof storeOptions>, ctx) =>
          memoryStore(backend, name(o, ctx), {
            failAfterBatches: o.fail_after_batches,
            failOnCommit: o.fail_on_commit,
            delayMs: o.delay_ms,
            transient: o.transient,
          }),
        describe: (o: z.output<typeof storeOptions>, ctx) => `memory:${name(o, ctx)}`,
      },
    },
    connections: {
      memory: { options: z.strictObject({ note: z.string().optional(), password: z.string().optional() }) },
    },
  };
}
