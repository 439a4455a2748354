import type { describe as Describe, expect as Expect, it as It } from "@jest/globals";

/**
 * The suites use the test runner's globals at call time, so importing @hygge/core/testing
 * outside a test runner (benchmarks, scripts using the memory plugin) does not fail.
 */
export function jestGlobals(): { describe: typeof Describe; it: typeof It; expect: typeof Expect } {
  const g = globalThis as unknown as { describe?: typeof Describe; it?: typeof It; expect?: typeof Expect };
  if (!g.describe || !g.it || !g.expect) {
    throw new Error("testHome()/testStore() must be called from a jest (or jest-compatible) test file");
  }
  return { describe: g.describe, it: g.it, expect: g.expect };
}
