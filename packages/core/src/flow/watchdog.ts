/** A plugin call being watched: reused for every batch on the hot path, one per call elsewhere. */
export interface Watched {
  /** `performance.now()` when the call started. */
  startedAt: number;
  /** Milliseconds the call may take (`Infinity`: no bound). */
  bound: number;
  /** False between calls (hot-path slots stay registered). */
  active: boolean;
  /** Notices sent for the current call. */
  notices: number;
  /** The bound passed: end the call. */
  expire(): void;
  /** The call is slow: tell the user. */
  notice(elapsedMs: number): void;
}

/** After the first notice, the next ones come at this interval (or the notice delay if longer). */
const NOTICE_EVERY_MS = 10_000;

/**
 * One timer per attempt, not one per call: it ticks while the attempt runs, reports calls slower
 * than `noticeMs` and expires calls past their bound. The hot path only flips a flag and stores a
 * start time per batch.
 */
export class Watchdog {
  private readonly watched = new Set<Watched>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly noticeEvery: number;

  constructor(
    private readonly tickMs: number,
    private readonly noticeMs: number,
  ) {
    this.noticeEvery = Math.max(noticeMs, NOTICE_EVERY_MS);
  }

  add(w: Watched): void {
    this.watched.add(w);
    // Deliberately not unref'd: a bound must fire even when a hung plugin holds nothing else alive.
    this.timer ??= setInterval(() => this.tick(), this.tickMs);
  }

  remove(w: Watched): void {
    this.watched.delete(w);
  }

  /** Checks every active call now (the timer calls this). */
  tick(now = performance.now()): void {
    for (const w of this.watched) {
      if (!w.active) continue;
      const elapsed = now - w.startedAt;
      if (elapsed >= w.bound) {
        w.active = false;
        w.expire();
      } else if (elapsed >= this.noticeMs + w.notices * this.noticeEvery) {
        w.notices++;
        w.notice(elapsed);
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }
}

/** A tick fine enough for the shortest bound and the notice delay, at most once a second. */
export function tickFor(bounds: number[], noticeMs: number): number {
  const finite = bounds.filter(Number.isFinite);
  return Math.max(5, Math.min(1000, noticeMs / 2, ...finite.map((b) => b / 4)));
}
