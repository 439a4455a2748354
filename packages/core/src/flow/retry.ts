import { HyggeError } from "../errors.js";

export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  retries: number;
  /** First delay; doubles each time, capped at `maxDelayMs`, with ±20% jitter. */
  delayMs: number;
  maxDelayMs?: number;
}

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.delayMs * 2 ** (attempt - 1), policy.maxDelayMs ?? 30_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Resolves after `ms`, or rejects with ABORTED as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function abortedError(signal: AbortSignal): HyggeError {
  const reason = signal.reason;
  if (reason instanceof HyggeError) return reason;
  return new HyggeError("ABORTED", reason instanceof Error ? reason.message : "the run was cancelled", {
    cause: reason,
    hint: "Nothing was published by the cancelled entity; run again to load it.",
  });
}
