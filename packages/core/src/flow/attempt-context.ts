import type { RunType } from "../contracts/common.js";
import { type HyggeError, type HyggeErrorCode, isAbortError, isHyggeError, withContext } from "../errors.js";
import type { FlowEvent } from "./events.js";
import { abortedError } from "./retry.js";
import type { FlowOptions } from "./run-flow.js";

export interface AttemptInfo {
  id: string;
  runId: string;
  attempt: number;
  startedAt: Date;
}

export const elapsed = (since: Date): number => Date.now() - since.getTime();

export function emit(options: FlowOptions, event: Omit<FlowEvent, "flow" | "entity">): void {
  try {
    options.onEvent?.({ ...event, flow: options.flow, entity: options.entity });
  } catch {
    // A broken progress renderer must never break a data flow.
  }
}

/**
 * What the parts of one attempt share: its abort controller (linked to the caller's signal), the
 * first failure, the counters and the progress events.
 */
export class AttemptContext {
  readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  readonly counters = { rows: 0, bytes: 0, batches: 0 };
  readonly runType: RunType;
  /** The first failure of the attempt: the one that leaves runFlow. */
  firstError: HyggeError | undefined;
  private readonly unlink: () => void;

  constructor(
    readonly options: FlowOptions,
    readonly info: AttemptInfo,
  ) {
    this.runType = options.runType ?? "full_drop";
    const outer = options.signal;
    const onOuterAbort = () => this.controller.abort(abortedError(outer!));
    if (outer?.aborted) onOuterAbort();
    else outer?.addEventListener("abort", onOuterAbort, { once: true });
    this.unlink = () => outer?.removeEventListener("abort", onOuterAbort);
  }

  get flow(): string {
    return this.options.flow;
  }

  get entity(): string | undefined {
    return this.options.entity;
  }

  /** Records a failure (the first one wins) with flow, entity and plugin, and aborts the attempt. */
  fail(error: unknown, code: HyggeErrorCode, plugin: string | undefined): HyggeError {
    const { flow, entity, signal } = this;
    // The first failure is complete as it is: a later call (the other side woken by it) must not
    // attribute it to its own plugin.
    if (this.firstError) {
      if (!signal.aborted) this.controller.abort(this.firstError);
      return this.firstError;
    }
    const wrapped =
      isAbortError(error) && signal.aborted && !isHyggeError(error)
        ? withContext(abortedError(signal), "ABORTED", { flow, entity })
        : withContext(error, isAbortError(error) ? "ABORTED" : code, { flow, entity, plugin });
    this.firstError = wrapped;
    if (!signal.aborted) this.controller.abort(wrapped);
    return wrapped;
  }

  /** The attempt's failure: the first error, or ABORTED when it was cancelled. */
  failure(): HyggeError {
    return this.firstError ?? this.fail(abortedError(this.signal), "ABORTED", undefined);
  }

  progress(type: FlowEvent["type"], extra: Partial<FlowEvent> = {}): void {
    emit(this.options, {
      type,
      id: this.info.id,
      attempt: this.info.attempt,
      ...this.counters,
      elapsedMs: elapsed(this.info.startedAt),
      ...extra,
    });
  }

  /** The attempt is over: the caller's signal no longer reaches it. */
  detach(): void {
    this.unlink();
  }
}
