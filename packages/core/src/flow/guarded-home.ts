import type { RecordBatch } from "apache-arrow";
import type { Home, ReadContext } from "../contracts/home.js";
import { HyggeError } from "../errors.js";
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
    this.party = guard.party("home", plugin);
  }

  read(ctx: ReadContext): GuardedReader {
    if (this.closing || this.reader) {
      throw new HyggeError("INTERNAL", `read() was called twice or after close() on ${this.party.label}`, {
        plugin: this.party.plugin,
        step: "read",
      });
    }
    const iterator = this.guard.sync(this.party, "read", () => this.home.read(ctx)[Symbol.asyncIterator]());
    this.reader = new GuardedReader(this.guard, this.party, iterator);
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

  constructor(
    private readonly guard: PluginGuard,
    private readonly party: Party,
    private readonly iterator: AsyncIterator<RecordBatch>,
  ) {
    this.slot = guard.slot(party, "read");
  }

  next(): Promise<IteratorResult<RecordBatch>> {
    if (this.stopped) return Promise.resolve({ done: true, value: undefined });
    return this.guard.hot(this.party, this.slot, "read", () => this.iterator.next());
  }

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
