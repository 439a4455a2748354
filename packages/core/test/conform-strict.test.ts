import { describe, expect, it } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import type { Store } from "../src/contracts/store.js";
import {
  expectSameRows,
  firstDifference,
  MemoryBackend,
  memoryStore,
  type StoreSuiteOptions,
  testStore,
} from "../src/testing/index.js";
import { collectCases, runCases } from "./conform-harness.js";

const ABORT_CASE = "after abort() and close(), nothing is left in staging and no handle is open";
const MID_STREAM = "a home failing mid-stream aborts the store and leaves the destination untouched";

/** The memory store's suite options, with `wrap` changing the store under test. */
function memorySuite(
  wrap: (s: Store, b: MemoryBackend, entity: string) => Store,
  more: Partial<StoreSuiteOptions> = {},
) {
  const backend = new MemoryBackend();
  const options: StoreSuiteOptions = {
    name: "memory (wrapped)",
    create: (entity) => wrap(memoryStore(backend, entity), backend, entity),
    read: async (entity) => backend.get(entity),
    inspect: { leftovers: async (e) => backend.leftovers(e), openHandles: () => backend.openStores },
    failingCommit: (entity) => memoryStore(backend, entity, { failOnCommit: true }),
    ...more,
  };
  return { backend, cases: collectCases(() => testStore(options)) };
}

describe("the stricter store conformance suite", () => {
  it("passes the memory store, and skips the crash case visibly when no fault points are declared", async () => {
    const { cases } = memorySuite((s) => s);
    expect(await runCases(cases)).toEqual(new Map());
    expect(cases.filter((c) => c.skipped).map((c) => c.title)).toEqual([
      "store conformance: memory (wrapped) › a crash at each of the store's fault points is repaired by the next run (skipped: no crash options (no fault points declared))",
    ]);
  });

  it("fails a store whose abort() does nothing, naming what was left in staging", async () => {
    const { cases } = memorySuite((s) => ({ ...s, abort: async () => {} }));
    const failures = await runCases(cases);
    expect(failures.get(ABORT_CASE)).toMatch(
      /^memory \(wrapped\): after abort\(\) and close\(\): left behind in staging: memory:conf_leftover_\d+_\d+ \(6 staged batches\)$/,
    );
    expect(failures.get(MID_STREAM)).toMatch(
      /after a home failed mid-stream \(abort, close\): left behind in staging/,
    );
    expect(failures.get("cancellation leaves the destination untouched")).toMatch(/left behind in staging/);
  });

  it("fails a store whose close() keeps its handle open", async () => {
    const { cases } = memorySuite((s) => ({ ...s, close: async () => {} }));
    const failures = await runCases(cases);
    expect(failures.get(ABORT_CASE)).toMatch(
      /^memory \(wrapped\): after abort\(\) and close\(\): 1 handle\(s\) still open \((\d+) now, \d+ before\)$/,
    );
    expect(
      failures.get("after commit() and close(), nothing is left in staging and no handle is open"),
    ).toMatch(/after two committed runs: 2 handle\(s\) still open/);
    expect(failures.get("cancellation leaves the destination untouched")).toMatch(/1 handle\(s\) still open/);
  });

  it("without an inspect hook, the leftover checks are skipped with the reason in their titles", () => {
    const { cases } = memorySuite((s) => s, { inspect: undefined });
    expect(cases.filter((c) => c.skipped).map((c) => c.title.replace(/^[^›]*› /, ""))).toEqual([
      `${ABORT_CASE} (skipped: no inspect hook given)`,
      "after commit() and close(), nothing is left in staging and no handle is open (skipped: no inspect hook given)",
      "a crash at each of the store's fault points is repaired by the next run (skipped: no crash options (no fault points declared))",
    ]);
  });

  it("a named opt-out skips one check, showing its reason", () => {
    const { cases } = memorySuite((s) => ({ ...s, abort: async () => {} }), {
      optOut: { "abort-leftovers": "staging is dropped by the next open()" },
    });
    const titles = cases.filter((c) => c.skipped).map((c) => c.title);
    expect(titles).toContain(
      `store conformance: memory (wrapped) › ${ABORT_CASE} (opted out: staging is dropped by the next open())`,
    );
  });

  it("a store dropping a row fails with the first differing row and column, not two JSON dumps", async () => {
    const dropFirst = (s: Store): Store => ({ ...s, write: (b: RecordBatch) => s.write(b.slice(1)) });
    const failures = await runCases(memorySuite(dropFirst).cases);
    expect(failures.get("round-trips the type matrix exactly")).toBe(
      'memory (wrapped): the type matrix read back differs from what was written: row 0, column "id": expected 1, got 2',
    );
  });

  it("readBack replaces the store's own view: a reader that disagrees fails the suite", async () => {
    const { backend, cases } = memorySuite((s) => s, {
      readBack: async (entity) => backend.get(entity)?.map((b) => b.slice(0, Math.max(0, b.numRows - 1))),
    });
    const failures = await runCases(cases);
    expect(failures.get("round-trips the type matrix exactly")).toMatch(
      /the type matrix read back differs from what was written: 4 rows read, 5 expected: rows agree up to row 4; the first row only expected is row 4: \{"id":5,/,
    );
  });

  it("a commit that publishes half before failing fails the mid-publish case", async () => {
    const { backend, cases } = memorySuite((s) => s, {
      failingCommit: (entity) => {
        const store = memoryStore(backend, entity);
        return {
          ...store,
          commit: async (state) => {
            await store.commit(state);
            throw new Error("connection lost after publishing");
          },
        };
      },
    });
    const failures = await runCases(cases);
    expect(
      failures.get(
        "a commit failing mid-publish leaves the destination as before, and the next run publishes",
      ),
    ).toMatch(
      /after a commit that failed mid-publish: the destination differs from what it was before: row 0, column "id": expected "0", got "3000"$/,
    );
  });
});

describe("firstDifference and expectSameRows", () => {
  it("name the row, the column and both values; -0 and 0 differ; missing columns are said", () => {
    expect(firstDifference([{ a: 1, b: [1, 2] }], [{ a: 1, b: [1, 2] }])).toBeUndefined();
    expect(firstDifference([{ a: 0 }], [{ a: -0 }])).toBe('row 0, column "a": expected -0, got 0');
    expect(firstDifference([{ a: 1 }, { a: 2 }], [{ a: 1 }, { a: 2, b: "x" }])).toBe(
      'row 1, column "b": expected "x", got (absent) (the column is missing from what was read)',
    );
    expect(firstDifference([{ s: { x: [1, null] } }], [{ s: { x: [1, 2] } }])).toBe(
      'row 0, column "s": expected {"x":[1,2]}, got {"x":[1,null]}',
    );
    expect(() => expectSameRows(undefined, [{ a: 1 }], "read")).toThrow(
      "read: nothing was read (the destination does not exist)",
    );
  });
});
