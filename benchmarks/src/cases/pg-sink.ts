import type { RunType, Store } from "@hygge/core";

/** A store that drops each batch: memory stays flat, only the read path is measured. */
export function countingSink(runType: RunType = "full_drop"): Store {
  return {
    supports: { runTypes: [runType] },
    async open() {},
    async write() {},
    async commit() {
      return { rows: 0, locations: [] };
    },
    async abort() {},
  };
}
