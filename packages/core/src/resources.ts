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

  /** Disposes everything, newest first; never throws. */
  async closeAll(): Promise<void> {
    const all = [...this.entries.values()].reverse();
    this.entries.clear();
    for (const { value, dispose } of all) {
      try {
        const v = await value;
        await dispose?.(v);
      } catch {
        // Creation failed (already reported by its user) or disposal failed: nothing left to do.
      }
    }
  }
}
