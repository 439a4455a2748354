import type { ResourceScope } from "./contracts/plugin.js";

/** Resources shared by every flow of one run (connection pools…), disposed once at the end. */
export class RunResources implements ResourceScope {
  private readonly entries = new Map<
    string,
    { value: Promise<unknown>; dispose?: (value: any) => void | Promise<void> }
  >();

  get<T>(
    key: string,
    create: () => T | Promise<T>,
    dispose?: (value: T) => void | Promise<void>,
  ): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      const value = Promise.resolve().then(create);
      entry = { value, dispose };
      this.entries.set(key, entry);
      // A failed creation is not cached: the next caller tries again.
      value.catch(() => this.entries.delete(key));
    }
    return entry.value as Promise<T>;
  }

  /**
   * Disposes everything, newest first; never throws. Each disposal (a pool's end(), which may wait
   * for a connection that never comes back) is bounded by `timeoutMs`; `onGiveUp` hears of those
   * given up on.
   */
  async closeAll(options: { timeoutMs?: number; onGiveUp?: (key: string) => void } = {}): Promise<void> {
    const all = [...this.entries].reverse();
    this.entries.clear();
    for (const [key, { value, dispose }] of all) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const disposal = (async () => {
        const v = await value;
        await dispose?.(v);
      })().then(
        () => true,
        // Creation failed (already reported by its user) or disposal failed: nothing left to do.
        () => true,
      );
      const limit = options.timeoutMs ?? Number.POSITIVE_INFINITY;
      const expired = Number.isFinite(limit)
        ? new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), limit);
          })
        : new Promise<false>(() => undefined);
      const done = await Promise.race([disposal, expired]);
      clearTimeout(timer);
      if (!done) options.onGiveUp?.(key);
    }
  }
}
