import type { RecordBatch } from "apache-arrow";
import type { Home, ReadContext } from "../contracts/home.js";
import { HyggeError } from "../errors.js";
import { FileHome } from "../files/home.js";
import { assertHome, describeValue, isRecordBatch, notABatch } from "../plugin-shape.js";
import type { Party, PluginGuard } from "./plugin-guard.js";
import type { Watched } from "./watchdog.js";

/**
 * A home for one attempt, behind the guard. `read()` hands out one GuardedReader; close() stops
 * it first (its `return()`, unless it ran to the end, after a `next()` abandoned on abort settled
 * or ran out of time: an async generator would queue `return()` behind it anyway), then closes
 * the home, once. Nothing runs after close().
 */
export class GuardedHome {
  readonly party: Party;
  private reader: GuardedReader | undefined;
  private closing: Promise<void> | undefined;

  /** The home itself, for the engine step, which drives core's own file home directly (engine-step.ts). */
  get inner(): Home {
    return this.home;
  }

  constructor(
    private readonly guard: PluginGuard,
    private readonly home: Home,
    plugin: string | undefined,
  ) {
    assertHome(home, plugin);
    this.party = guard.party("home", plugin);
  }

  read(ctx: ReadContext): GuardedReader {
    if (this.closing || this.reader) {
      throw new HyggeError("INTERNAL", `read() was called twice or after close() on ${this.party.label}`, {
        plugin: this.party.plugin,
        step: "read",
      });
    }
    const iterator = this.guard.sync(this.party, "read", () => {
      const iterable = this.home.read(ctx);
      const start = (iterable as Partial<AsyncIterable<RecordBatch>> | null | undefined)?.[
        Symbol.asyncIterator
      ];
      if (typeof start !== "function") throw notIterable(iterable, this.party.plugin);
      return start.call(iterable);
    });
    // Core's file home yields nothing for a folder without files: it has no columns to give.
    const mustYield = ctx.runType === "full_drop" && !(this.home instanceof FileHome);
    this.reader = new GuardedReader(this.guard, this.party, iterator, mustYield);
    return this.reader;
  }

  /** Best effort: undefined when the home cannot tell, fails, or takes longer than `timeouts.estimate`. */
  estimateRows(ctx: ReadContext): Promise<number | undefined> {
    if (!this.home.estimateRows || this.closing) return Promise.resolve(undefined);
    return this.guard
      .call(this.party, "estimate_rows", () => this.home.estimateRows!(ctx))
      .catch(() => undefined);
  }

  /** Stops the reader, then closes the home, once. Rejects with the first problem. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      let problem: unknown;
      await this.reader?.stop().catch((e) => {
        problem = e;
      });
      await this.guard.settle(this.party, "close");
      if (this.home.close) {
        await this.guard
          .call(this.party, "close", () => this.home.close!(), { mode: "bound" })
          .catch((e) => {
            problem ??= e;
          });
      }
      if (problem !== undefined) throw problem;
    })();
    return this.closing;
  }
}

/** The home's iterator: `next()` raced against the abort and watched for its bound. */
export class GuardedReader {
  private readonly slot: Watched;
  private done = false;
  private stopped = false;
  /** Batches yielded so far. */
  private yielded = 0;

  constructor(
    private readonly guard: PluginGuard,
    private readonly party: Party,
    private readonly iterator: AsyncIterator<RecordBatch>,
    /** A full_drop run: a home that yields no batch at all is refused (see noBatch). */
    private readonly mustYield = false,
  ) {
    this.slot = guard.slot(party, "read");
  }

  next(): Promise<IteratorResult<RecordBatch>> {
    if (this.stopped) return Promise.resolve({ done: true, value: undefined });
    return this.guard.hot(this.party, this.slot, "read", () => this.iterator.next()).then(this.check);
  }

  /** Each value must be a RecordBatch (one brand check per batch); the end must follow one. */
  private readonly check = (result: IteratorResult<RecordBatch>): IteratorResult<RecordBatch> => {
    if (result.done) {
      if (this.yielded === 0 && this.mustYield) throw noBatch(this.party.plugin);
      return result;
    }
    if (!isRecordBatch(result.value)) throw notABatch(result.value, this.party.plugin, this.yielded);
    this.yielded++;
    return result;
  };

  /** The iterator reported `done`: it needs no `return()`. */
  finished(): void {
    this.done = true;
  }

  /**
   * Calls `return()` once (bounded by `timeouts.close`) unless the iterator ran to its end. A
   * `next()` abandoned on abort gets `timeouts.cancel` to settle first; if it still has not, an
   * async generator would queue `return()` behind it for ever: it is called, not waited for.
   */
  async stop(): Promise<void> {
    if (this.done || this.stopped) return;
    this.stopped = true;
    const reading = (step: string) => step === "read";
    await this.guard.settle(this.party, "stop_reading", reading);
    if (!this.iterator.return) return;
    const stopping = this.guard.call(this.party, "stop_reading", () => this.iterator.return!(), {
      mode: "bound",
    });
    if ([...this.party.abandoned].some((e) => reading(e.step))) stopping.catch(() => undefined);
    else await stopping;
  }
}

function notIterable(value: unknown, plugin: string | undefined): HyggeError {
  const sync =
    typeof (value as Partial<Iterable<unknown>> | null | undefined)?.[Symbol.iterator] === "function";
  const what = plugin ? `the home of plugin ${plugin}` : "the home";
  return new HyggeError(
    "PLUGIN_INVALID",
    `${what}: read() returned ${describeValue(value)}, not an async iterable of record batches`,
    {
      plugin,
      step: "read",
      hint: sync
        ? "Make read() an async generator (`async *read(ctx) { yield batch; }`): a synchronous iterable or an array is not accepted."
        : "A home's read(ctx) returns an async iterable of Arrow RecordBatches: write it as `async *read(ctx) { … yield batch; }` (not an async function returning batches).",
    },
  );
}

/**
 * A home that ends without yielding any batch in a full_drop run: the destination would be
 * replaced by one without columns (a file store publishes no file, a table store creates none),
 * which hygge cannot tell from a broken home. An incremental or merge run adds nothing and keeps
 * the destination's columns, so there it is simply "nothing new".
 */
function noBatch(plugin: string | undefined): HyggeError {
  const what = plugin ? `the home of plugin ${plugin}` : "the home";
  return new HyggeError(
    "PLUGIN_INVALID",
    `${what} yielded no batch at all in a full_drop run: the destination would be replaced by one without columns, so nothing was written`,
    {
      plugin,
      step: "read",
      hint: "A home must yield at least one batch, even when the source has no rows: yield an empty batch with the source's columns (new RecordBatch(schema, undefined) has zero rows). Fix the home of the plugin named above.",
    },
  );
}
