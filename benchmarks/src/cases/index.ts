import type { BenchCase } from "../case.js";

/** Each file in this folder exports `benchCase`; add new cases to this map. */
export const loaders: Record<string, () => Promise<{ benchCase: BenchCase }>> = {
  "core-memory": () => import("./core-memory.js"),
};
