import { HyggeError, isAbortError, isHyggeError, withContext } from "../errors.js";
import type { WaitingInfo } from "./events.js";
import { abortedError } from "./retry.js";
import { type PluginRole, type PluginStep, STEP_PHRASE, STEP_TIMEOUT, stepCode } from "./steps.js";
import { type FlowTimeouts, formatBound, TIMEOUT_KEYS } from "./timeouts.js";
import { tickFor, Watchdog, type Watched } from "./watchdog.js";

export interface GuardOptions {
  flow: string;
  entity?: string;
  /** The attempt's signal: aborted by the first failure or by the caller (SIGINT). */
  signal: AbortSignal;
  timeouts: FlowTimeouts;
  /** Records `error` as the attempt's failure (the first one wins), aborts the attempt, returns the first. */
  fail(error: HyggeError): HyggeError;
  onWaiting(info: WaitingInfo): void;
}

interface Abandoned {
  step: PluginStep;
  /** Settles (never rejects) when the plugin's promise does. */
  settled: Promise<void>;
  /** `performance.now()` after which it is no longer waited for. */
  deadline: number;
}

const noop = () => undefined;

/** One plugin instance (the home or the store) as the guard sees it. */
export class Party {
  /** "the store (@hygge/sql)". */
  readonly label: string;
  /** Calls the engine stopped waiting for (abort won the race, or the bound passed) that may still run. */
  readonly abandoned = new Set<Abandoned>();
  /** Told when a call is abandoned (the store aborts at once, so it can cancel the I/O). */
  onAbandon: ((step: PluginStep, reason: unknown) => void) | undefined;

  constructor(
    readonly role: PluginRole,
    readonly plugin: string | undefined,
  ) {
    this.label = plugin ? `the ${role} (${plugin})` : `the ${role}`;
  }

  /** Remembers a call the engine stopped waiting for; it is waited for until `deadline` at most. */
  abandon(promise: PromiseLike<unknown>, step: PluginStep, deadline: number, reason: unknown): void {
    const entry: Abandoned = { step, deadline, settled: Promise.resolve(promise).then(noop, noop) };
    this.abandoned.add(entry);
    void entry.settled.then(() => this.abandoned.delete(entry));
    this.onAbandon?.(step, reason);
  }
}

export interface CallOptions<T> {
  /**
   * `race` (default): an abort of the attempt ends the wait at once. `grace` (commit): an abort
   * only shortens the bound to `timeouts.cancel`, so a commit about to finish is not reported as
   * unknown. `bound`: not raced, only bounded (abort, close, return() after a failure).
   */
  mode?: "race" | "grace" | "bound";
  /** Milliseconds; the step's timeout by default. */
  bound?: number;
  /** The error when the bound passes (`cancelled`: the abort had shortened it). */
  expired?: (boundMs: number, cancelled: boolean) => HyggeError;
  /** A value that arrives after the call was abandoned (a late `create()`): release it. */
  late?: (value: T) => void;
}

/**
 * Wraps every call into a home or a store for one attempt, in the manner of kysely's
 * RuntimeDriver: each call is attributed (plugin, flow, entity, step: its error becomes the right
 * HyggeError), raced against the attempt's abort where an abort must win, bounded by its step's
 * timeout, and reported ("waiting for …") while slow. Calls abandoned by an abort or a bound are
 * remembered, so the store can be aborted at once and closed only when they settled or their time
 * ran out. GuardedHome and GuardedStore add the ordering rules.
 */
export class PluginGuard {
  private readonly watchdog: Watchdog;

  constructor(private readonly o: GuardOptions) {
    const { notice, ...bounds } = o.timeouts;
    this.watchdog = new Watchdog(tickFor(Object.values(bounds), notice), notice);
  }

  get signal(): AbortSignal {
    return this.o.signal;
  }

  get timeouts(): FlowTimeouts {
    return this.o.timeouts;
  }

  party(role: PluginRole, plugin: string | undefined): Party {
    return new Party(role, plugin);
  }

  /** The error a plugin threw at `step`, with its code, plugin, flow, entity and step. */
  attribute(error: unknown, party: Party, step: PluginStep): HyggeError {
    const { flow, entity, signal } = this.o;
    // An AbortError after the abort is its echo, not its cause.
    if (isAbortError(error) && signal.aborted && !isHyggeError(error))
      return withContext(abortedError(signal), "ABORTED", { flow, entity });
    const context = { flow, entity, plugin: party.plugin, step };
    if (isHyggeError(error)) return withContext(error, stepCode(party.role, step), context);
    const wrapped = withContext(error, isAbortError(error) ? "ABORTED" : stepCode(party.role, step), context);
    wrapped.message = `could not ${STEP_PHRASE[step]}: ${wrapped.message}`;
    return wrapped;
  }

  timeoutError(party: Party, step: PluginStep, boundMs: number): HyggeError {
    const key = TIMEOUT_KEYS[STEP_TIMEOUT[step]];
    return new HyggeError(
      stepCode(party.role, step),
      `${party.label} did not ${STEP_PHRASE[step]} within ${formatBound(boundMs)} (timeouts.${key})`,
      {
        flow: this.o.flow,
        entity: this.o.entity,
        plugin: party.plugin,
        step,
        transient: step !== "commit",
        details: { timeoutMs: boundMs },
        hint: `It may be waiting on a dead connection or a lock: check the ${party.role} named above. If this step is legitimately that slow, raise timeouts.${key} in the flow, its defaults or the entity ("none" for no bound).`,
      },
    );
  }

  /** Runs a synchronous plugin call (`read()` handing out its iterator), attributing its error. */
  sync<T>(party: Party, step: PluginStep, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.attribute(error, party, step);
    }
  }

  /** One call, attributed, bounded by its step's timeout and (by `mode`) raced against the abort. */
  call<T>(
    party: Party,
    step: PluginStep,
    fn: () => T | PromiseLike<T>,
    options: CallOptions<T> = {},
  ): Promise<T> {
    const mode = options.mode ?? "race";
    const signal = this.o.signal;
    if (mode !== "bound" && signal.aborted) return Promise.reject(signal.reason);
    let raw: Promise<T>;
    try {
      raw = Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(this.attribute(error, party, step));
    }
    const bound = options.bound ?? this.o.timeouts[STEP_TIMEOUT[step]];
    return new Promise<T>((resolve, reject) => {
      let over = false;
      let cancelled = false;
      const finish = () => {
        over = true;
        w.active = false;
        this.watchdog.remove(w);
        if (mode !== "bound") signal.removeEventListener("abort", onAbort);
      };
      const giveUp = (reason: unknown) => {
        if (over) return;
        finish();
        party.abandon(raw, step, this.deadline(w), reason);
        if (options.late) raw.then(options.late, noop);
        reject(reason);
      };
      const w = this.watch(party, step, bound, () =>
        giveUp(options.expired?.(w.bound, cancelled) ?? this.timeoutError(party, step, w.bound)),
      );
      const onAbort = () => {
        if (mode === "race") return giveUp(signal.reason);
        cancelled = true;
        w.bound = Math.min(w.bound, performance.now() - w.startedAt + this.o.timeouts.cancel);
      };
      raw.then(
        (value) => {
          if (over) return;
          finish();
          resolve(value);
        },
        (error) => {
          if (over) return;
          finish();
          reject(this.attribute(error, party, step));
        },
      );
      this.watchdog.add(w);
      if (mode === "bound") return;
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * A slot for a call made once per batch (`next()`, `write()`): registered once, so the hot path
   * adds no timer. A call past its bound fails the attempt, whose abort ends the race.
   */
  slot(party: Party, step: PluginStep): Watched {
    const bound = this.o.timeouts[STEP_TIMEOUT[step]];
    const w = this.watch(party, step, bound, () => this.o.fail(this.timeoutError(party, step, bound)));
    w.active = false;
    this.watchdog.add(w);
    return w;
  }

  /** A per-batch call: raced against the abort only (its bound is watched through `slot`). */
  hot<T>(party: Party, slot: Watched, step: PluginStep, fn: () => PromiseLike<T>): Promise<T> {
    const signal = this.o.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    slot.startedAt = performance.now();
    slot.notices = 0;
    slot.active = true;
    let promise: Promise<T>;
    try {
      promise = Promise.resolve(fn());
    } catch (error) {
      slot.active = false;
      return Promise.reject(this.attribute(error, party, step));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        slot.active = false;
        party.abandon(promise, step, this.deadline(slot), signal.reason);
        reject(signal.reason);
      };
      // The call itself may have aborted the attempt (synchronously, before any listener).
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          slot.active = false;
          resolve(value);
        },
        (error) => {
          signal.removeEventListener("abort", onAbort);
          slot.active = false;
          reject(this.attribute(error, party, step));
        },
      );
    });
  }

  /** An abandoned call is waited for until its own bound or `timeouts.cancel` from now, whichever is first. */
  private deadline(w: Watched): number {
    return Math.min(w.startedAt + w.bound, performance.now() + this.o.timeouts.cancel);
  }

  /**
   * Waits for the party's abandoned calls (those `which` selects) to settle, at most until their
   * deadlines. Never throws. Reported as `step` while slow.
   */
  settle(party: Party, step: PluginStep, which?: (step: PluginStep) => boolean): Promise<void> {
    const entries = [...party.abandoned].filter((e) => !which || which(e.step));
    if (entries.length === 0) return Promise.resolve();
    const limit = Math.max(...entries.map((e) => e.deadline)) - performance.now();
    if (!(limit > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const end = () => {
        this.watchdog.remove(w);
        resolve();
      };
      const w = this.watch(party, step, limit, end);
      void Promise.all(entries.map((e) => e.settled)).then(end);
      this.watchdog.add(w);
    });
  }

  /** Stops the watchdog: the attempt is over. */
  dispose(): void {
    this.watchdog.stop();
  }

  private watch(party: Party, step: PluginStep, bound: number, expire: () => void): Watched {
    const message = `waiting for ${party.label} to ${STEP_PHRASE[step]}`;
    return {
      startedAt: performance.now(),
      bound,
      active: true,
      notices: 0,
      expire,
      notice: (waitingMs) =>
        this.o.onWaiting({ role: party.role, plugin: party.plugin, step, waitingMs, message }),
    };
  }
}
