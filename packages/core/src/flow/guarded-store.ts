import type { RecordBatch } from "apache-arrow";
import type { CommitReport, CommitState, PublishedColumns, Store, WriteContext } from "../contracts/store.js";
import { HyggeError } from "../errors.js";
import { assertStore } from "../plugin-shape.js";
import type { SchemaEvolution } from "../schema/change.js";
import type { Party, PluginGuard } from "./plugin-guard.js";
import type { PluginStep } from "./steps.js";
import { formatBound } from "./timeouts.js";
import type { Watched } from "./watchdog.js";

/**
 * A store for one attempt, behind the guard. Order is enforced here, not by callers' care:
 * nothing runs after close(); abort() and close() run once each; close() of a store that was
 * opened and not committed aborts it first; abort() and close() are both attempted when the
 * other fails. A write() or committedState() left running by an abort makes the guard abort the
 * store at once (so it can cancel the I/O); an open() or commit() left running is given up to
 * `timeouts.cancel` to finish before abort() (it may be repairing or publishing); close() waits
 * for every abandoned call to settle, at most until its bound or `timeouts.cancel` passes.
 */
export class GuardedStore {
  readonly party: Party;
  private readonly writeSlot: Watched;
  private opened = false;
  private committed = false;
  private aborting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  /** The store itself, for the engine step, which drives core's own file store directly (engine-step.ts). */
  get inner(): Store {
    return this.store;
  }

  constructor(
    private readonly guard: PluginGuard,
    private readonly store: Store,
    plugin: string | undefined,
    /** The attempt's failure, for an abort the guard starts itself. */
    private readonly failure: () => unknown,
  ) {
    assertStore(store, plugin);
    this.party = guard.party("store", plugin);
    this.writeSlot = guard.slot(this.party, "write");
    this.party.onAbandon = (step, reason) => {
      if (!["write", "committed_state", "published_schema", "evolve"].includes(step)) return;
      // Abandoned by the abort: abort with the attempt's failure; by its bound: with that timeout.
      this.abort(guard.signal.aborted ? this.failure() : reason).catch(() => undefined);
    };
  }

  get supports(): Store["supports"] {
    return this.store.supports;
  }

  /** Whether the store can report its committed state (else the journal's resume point is used). */
  get hasCommittedState(): boolean {
    return typeof this.store.committedState === "function";
  }

  open(ctx: WriteContext): Promise<void> {
    if (this.closing) return this.afterClose("open");
    this.opened = true; // from here on a failure must abort the store, even if open() itself failed
    return this.guard.call(this.party, "open", () => this.store.open(ctx));
  }

  committedState(): Promise<CommitState | undefined> {
    if (this.closing) return this.afterClose("committed_state");
    if (!this.store.committedState) return Promise.resolve(undefined);
    return this.guard.call(this.party, "committed_state", () => this.store.committedState!());
  }

  /** Whether the store changes columns in place (`evolve`): only such a store can drop one. */
  get canEvolve(): boolean {
    return typeof this.store.evolve === "function";
  }

  /** The destination's columns read from the destination (undefined when the store cannot tell). */
  publishedSchema(): Promise<PublishedColumns | undefined> {
    if (this.closing) return this.afterClose("published_schema");
    if (!this.store.publishedSchema) return Promise.resolve(undefined);
    return this.guard.call(this.party, "published_schema", () => this.store.publishedSchema!());
  }

  /** Hands the accepted change to a store that changes columns in place; a no-op for the others. */
  evolve(evolution: SchemaEvolution): Promise<void> {
    if (this.closing) return this.afterClose("evolve");
    if (!this.store.evolve) return Promise.resolve();
    return this.guard.call(this.party, "evolve", () => this.store.evolve!(evolution));
  }

  write(batch: RecordBatch): Promise<void> {
    if (this.closing) return this.afterClose("write");
    return this.guard.hot(this.party, this.writeSlot, "write", () => this.store.write(batch));
  }

  async commit(state: CommitState): Promise<CommitReport> {
    if (this.closing) return this.afterClose("commit");
    const report = await this.guard.call(this.party, "commit", () => this.store.commit(state), {
      mode: "grace",
      expired: (bound, cancelled) => this.commitUnknown(bound, cancelled),
    });
    this.committed = true;
    return report;
  }

  /** Aborts an opened, uncommitted store, once; later calls return the same promise. */
  abort(error: unknown): Promise<void> {
    if (!this.opened || this.committed) return Promise.resolve();
    if (this.aborting) return this.aborting;
    if (this.closing) return this.afterClose("abort");
    this.aborting = (async () => {
      // An open() or commit() still running may be repairing or publishing: let it end first.
      await this.guard.settle(this.party, "abort", (s) => s === "open" || s === "commit");
      await this.guard.call(this.party, "abort", () => this.store.abort(error), { mode: "bound" });
    })();
    return this.aborting;
  }

  /**
   * Closes the store once, after its abort (an opened, uncommitted store is aborted first) and
   * after abandoned calls settled or ran out of time. Rejects with the first problem (an abort
   * problem only when close() started the abort: otherwise its caller already heard of it).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      let problem: unknown;
      if (this.opened && !this.committed) {
        const startedHere = this.aborting === undefined;
        await this.abort(this.failure()).catch((e) => {
          if (startedHere) problem = e;
        });
      }
      await this.guard.settle(this.party, "close");
      if (this.store.close) {
        await this.guard
          .call(this.party, "close", () => this.store.close!(), { mode: "bound" })
          .catch((e) => {
            problem ??= e;
          });
      }
      if (problem !== undefined) throw problem;
    })();
    return this.closing;
  }

  private afterClose(step: PluginStep): Promise<never> {
    return Promise.reject(
      new HyggeError("INTERNAL", `${step} was called on ${this.party.label} after close()`, {
        plugin: this.party.plugin,
        step,
      }),
    );
  }

  private commitUnknown(bound: number, cancelled: boolean): HyggeError {
    const signal = this.guard.signal;
    const why = cancelled
      ? `was still committing ${formatBound(this.guard.timeouts.cancel)} after the run was stopped (${
          signal.reason instanceof Error ? signal.reason.message : "cancelled"
        })`
      : `did not finish committing within ${formatBound(bound)} (timeouts.commit)`;
    return new HyggeError(
      "COMMIT_UNKNOWN",
      `commit outcome unknown: ${this.party.label} ${why}; the data may or may not have been published`,
      {
        plugin: this.party.plugin,
        step: "commit",
        cause: cancelled ? signal.reason : undefined,
        details: { commitOutcome: "unknown", timeoutMs: bound },
        hint: "The next run's open() completes or rolls back this commit before anything else: run the entity again, then check its result. Do not assume either outcome until then.",
      },
    );
  }
}
