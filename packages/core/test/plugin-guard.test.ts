import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  FileJournal,
  type FlowEvent,
  type FlowReport,
  type FlowTimeouts,
  type Home,
  type HyggeError,
  runFlow,
  toRows,
} from "@hygge/core";
import { MemoryBackend, memoryHome, memoryStore, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";

const fail = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as HyggeError,
  );
const never = <T = void>() => new Promise<T>(() => undefined);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Short bounds: every test ends in well under a second per step when the guard works. */
const SHORT: Partial<FlowTimeouts> = {
  create: 300,
  open: 300,
  committedState: 300,
  estimate: 300,
  read: 300,
  write: 300,
  commit: 300,
  abort: 300,
  close: 300,
  cancel: 200,
  notice: 50,
};

/** A memory store whose calls are logged, for order assertions. */
function loggedStore(backend: MemoryBackend, log: string[], dataset = "t") {
  const store = memoryStore(backend, dataset);
  const wrap = <K extends "open" | "write" | "commit" | "abort" | "close" | "committedState">(name: K) => {
    const original = (store[name] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      log.push(name);
      return original(...args);
    };
  };
  for (const name of ["open", "write", "commit", "abort", "close", "committedState"] as const) wrap(name);
  return store;
}

const WATERMARK = { column: "id", primaryKey: ["id"] };

describe("plugin guard: every call is bounded and named", () => {
  it("a home whose next() hangs and ignores the signal fails at timeouts.read, naming plugin and step", async () => {
    const [first] = sequenceBatches(10, 10);
    const home: Home = {
      async *read() {
        yield first!;
        await never();
      },
    };
    const backend = new MemoryBackend();
    backend.put("t", sequenceBatches(3, 3));
    const store = memoryStore(backend, "t");
    const error = await fail(
      runFlow({ flow: "f", entity: "e", home, store, homePlugin: "hang-home", timeouts: SHORT }),
    );
    expect(error).toMatchObject({ code: "HOME_READ_FAILED", plugin: "hang-home", step: "read", flow: "f" });
    expect(error?.message).toBe(
      "the home (hang-home) did not read the next batch within 300ms (timeouts.read)",
    );
    expect(error?.hint).toContain("timeouts.read");
    expect(error?.transient).toBe(true);
    expect(store.aborted).toEqual([error]);
    expect(store.closed).toBe(1);
    expect(backend.rows("t")).toBe(3);
  });

  it.each([
    ["open", "open", "STORE_WRITE_FAILED", "did not open within 300ms (timeouts.open)"],
    [
      "committedState",
      "committed_state",
      "STORE_WRITE_FAILED",
      "did not read its committed state within 300ms (timeouts.committed_state)",
    ],
  ] as const)(
    "a store whose %s() hangs fails at its bound, then is aborted and closed",
    async (method, step, code, text) => {
      const backend = new MemoryBackend();
      const log: string[] = [];
      const store = loggedStore(backend, log);
      (store as unknown as Record<string, unknown>)[method] = () => (log.push(method), never());
      const error = await fail(
        runFlow({
          flow: "f",
          home: memoryHome(sequenceBatches(10, 5)),
          store,
          storePlugin: "hang-store",
          runType: "incremental",
          watermark: WATERMARK,
          timeouts: SHORT,
        }),
      );
      expect(error).toMatchObject({ code, plugin: "hang-store", step });
      expect(error?.message).toBe(`the store (hang-store) ${text}`);
      expect(log.at(-2)).toBe("abort");
      expect(log.at(-1)).toBe("close");
      expect(backend.get("t")).toBeUndefined();
    },
  );

  it("a store whose abort() hangs: the run still ends, says so, and close() is still called", async () => {
    const backend = new MemoryBackend();
    const log: string[] = [];
    const store = loggedStore(backend, log);
    store.abort = () => (log.push("abort"), never());
    const error = await fail(
      runFlow({
        flow: "f",
        home: memoryHome(sequenceBatches(100, 10), { failAfterBatches: 2 }),
        store,
        storePlugin: "hang-store",
        timeouts: SHORT,
      }),
    );
    expect(error?.code).toBe("HOME_READ_FAILED");
    expect(error?.message).toContain(
      "(and aborting the store failed too: the store (hang-store) did not abort within 300ms (timeouts.abort))",
    );
    expect(log.slice(-2)).toEqual(["abort", "close"]);
  });

  it("a store whose close() hangs: a committed run still passes, after waiting at most timeouts.close", async () => {
    const backend = new MemoryBackend();
    const store = memoryStore(backend, "t");
    store.close = () => never();
    const events: FlowEvent[] = [];
    const report = await runFlow({
      flow: "f",
      home: memoryHome(sequenceBatches(20, 10)),
      store,
      storePlugin: "hang-store",
      timeouts: { ...SHORT, notice: 20 },
      onEvent: (e) => events.push(e),
    });
    expect(report.status).toBe("pass");
    expect(backend.rows("t")).toBe(20);
    const waiting = events.filter((e) => e.type === "waiting").map((e) => e.waiting?.message);
    expect(waiting).toContain("waiting for the store (hang-store) to close");
    expect(events.at(-1)?.type).toBe("done");
  });

  it("abort() and close() are both attempted when the other fails", async () => {
    const backend = new MemoryBackend();
    const log: string[] = [];
    const store = loggedStore(backend, log);
    store.abort = async () => {
      log.push("abort");
      throw new Error("abort exploded");
    };
    const error = await fail(
      runFlow({
        flow: "f",
        home: memoryHome(sequenceBatches(100, 10), { failAfterBatches: 1 }),
        store,
        timeouts: SHORT,
      }),
    );
    expect(error?.message).toContain("(and aborting the store failed too: could not abort: abort exploded)");
    expect(log.filter((l) => l === "abort")).toHaveLength(1);
    expect(log.filter((l) => l === "close")).toHaveLength(1);
    expect(log.at(-1)).toBe("close");
  });

  it("an iterator whose return() hangs cannot hold a failing run past timeouts.close", async () => {
    let returned = 0;
    const [batch] = sequenceBatches(10, 10);
    const home: Home = {
      read: () => ({
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: false, value: batch! }),
          return: () => (returned++, never<IteratorResult<RecordBatch>>()),
        }),
      }),
    };
    const store = memoryStore(new MemoryBackend(), "t", { failAfterBatches: 2 });
    const error = await fail(runFlow({ flow: "f", home, store, timeouts: SHORT }));
    expect(error?.code).toBe("STORE_WRITE_FAILED");
    expect(returned).toBe(1);
    expect(store.closed).toBe(1);
  });

  it("a plain Error from a plugin becomes the step's code with plugin, flow, entity and step", async () => {
    const store = memoryStore(new MemoryBackend(), "t");
    store.open = async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    };
    const error = await fail(
      runFlow({ flow: "f", entity: "e", home: memoryHome([]), store, storePlugin: "pg", timeouts: SHORT }),
    );
    expect(error).toMatchObject({
      code: "STORE_WRITE_FAILED",
      plugin: "pg",
      flow: "f",
      entity: "e",
      step: "open",
      message: "could not open: connect ECONNREFUSED 127.0.0.1:5432",
    });
  });

  it("a create() (plugin factory) that hangs is bounded too", async () => {
    const error = await fail(
      runFlow({
        flow: "f",
        home: () => never<Home>(),
        store: memoryStore(new MemoryBackend(), "t"),
        homePlugin: "slow-factory",
        timeouts: SHORT,
      }),
    );
    expect(error).toMatchObject({ code: "HOME_READ_FAILED", plugin: "slow-factory", step: "create" });
  });

  it("a slow call is reported as `waiting` with plugin, step and time, then the run goes on", async () => {
    const backend = new MemoryBackend();
    const store = memoryStore(backend, "t");
    const write = store.write.bind(store);
    let writes = 0;
    store.write = async (batch) => {
      if (writes++ === 1) await delay(250);
      return write(batch);
    };
    const events: FlowEvent[] = [];
    const report = await runFlow({
      flow: "f",
      entity: "e",
      home: memoryHome(sequenceBatches(30, 10)),
      store,
      storePlugin: "slow-store",
      timeouts: { ...SHORT, write: 5000, notice: 30 },
      onEvent: (e) => events.push(e),
    });
    expect(report.rows).toBe(30);
    expect(toRows(backend.get("t")!)).toHaveLength(30);
    const waiting = events.find((e) => e.type === "waiting");
    expect(waiting).toMatchObject({
      id: "f.e",
      flow: "f",
      entity: "e",
      waiting: {
        role: "store",
        plugin: "slow-store",
        step: "write",
        message: "waiting for the store (slow-store) to write a batch",
      },
    });
    expect(waiting!.waiting!.waitingMs).toBeGreaterThanOrEqual(30);
  });
});

describe("plugin guard: abandoned calls", () => {
  it("abort() is called while a write is still in flight; close() only after that write settled", async () => {
    const backend = new MemoryBackend();
    const log: string[] = [];
    const store = loggedStore(backend, log);
    let release: (() => void) | undefined;
    store.write = () => {
      log.push("write");
      return new Promise<void>((resolve) => {
        release = () => {
          log.push("write settled");
          resolve();
        };
      });
    };
    store.abort = async (error) => {
      log.push("abort");
      store.aborted.push(error);
      setTimeout(() => release?.(), 50); // the store cancels its I/O: the write ends a little later
    };
    const [first] = sequenceBatches(10, 10);
    const home: Home = {
      async *read() {
        yield first!;
        await delay(20);
        throw new Error("source went away");
      },
    };
    const error = await fail(runFlow({ flow: "f", home, store, timeouts: { ...SHORT, cancel: 2000 } }));
    expect(error?.code).toBe("HOME_READ_FAILED");
    expect(log).toEqual(["open", "write", "abort", "write settled", "close"]);
  });

  it("a write that never settles: close() waits timeouts.cancel for it after abort(), then comes anyway", async () => {
    const log: string[] = [];
    const at: Record<string, number> = {};
    const store = loggedStore(new MemoryBackend(), log);
    store.write = () => (log.push("write"), never());
    store.abort = async () => {
      log.push("abort");
      at.abort = performance.now();
    };
    store.close = async () => {
      log.push("close");
      at.close = performance.now();
    };
    const error = await fail(
      runFlow({
        flow: "f",
        home: memoryHome(sequenceBatches(100, 10), { failAfterBatches: 3 }),
        store,
        timeouts: { ...SHORT, cancel: 200 },
      }),
    );
    expect(error?.code).toBe("HOME_READ_FAILED");
    expect(log).toEqual(["open", "write", "abort", "close"]);
    // It waited for the abandoned write (a lower bound: what happened, not how fast).
    expect(at.close! - at.abort!).toBeGreaterThanOrEqual(150);
  });

  it("a commit in flight when the run is stopped: published if it ends within timeouts.cancel, else outcome unknown", async () => {
    // Ends within the grace: the outcome is known, and reported as what it is.
    const first = new AbortController();
    const backend = new MemoryBackend();
    const finishing = memoryStore(backend, "t");
    const commit = finishing.commit.bind(finishing);
    finishing.commit = async (state) => {
      first.abort(new Error("interrupted by SIGINT"));
      await delay(30);
      return commit(state);
    };
    const report = await runFlow({
      flow: "f",
      home: memoryHome(sequenceBatches(10, 10)),
      store: finishing,
      signal: first.signal,
      timeouts: { ...SHORT, cancel: 2000 },
    });
    expect(report.status).toBe("pass");
    expect(backend.rows("t")).toBe(10);
    expect(finishing.aborted).toHaveLength(0);

    // Does not end: neither "failed" nor "published" can be claimed.
    const controller = new AbortController();
    const log: string[] = [];
    const store = loggedStore(new MemoryBackend(), log);
    store.commit = () => {
      log.push("commit");
      controller.abort(new Error("interrupted by SIGINT"));
      return never();
    };
    const error = await fail(
      runFlow({
        flow: "f",
        entity: "e",
        home: memoryHome(sequenceBatches(10, 10)),
        store,
        storePlugin: "slow-commit",
        signal: controller.signal,
        timeouts: SHORT,
      }),
    );
    expect(error).toMatchObject({ code: "COMMIT_UNKNOWN", plugin: "slow-commit", step: "commit", flow: "f" });
    expect(error?.message).toBe(
      "commit outcome unknown: the store (slow-commit) was still committing 200ms after the run was stopped (interrupted by SIGINT); the data may or may not have been published",
    );
    expect(error?.hint).toContain("completes or rolls back");
    expect(error?.hint).not.toMatch(/nothing was published|left unchanged/i);
    expect(log).toEqual(["open", "write", "commit", "abort", "close"]);
  });

  it("a commit that hangs without any cancel is outcome unknown at timeouts.commit, not 'failed'", async () => {
    const store = memoryStore(new MemoryBackend(), "t");
    store.commit = () => never();
    const error = await fail(
      runFlow({ flow: "f", home: memoryHome(sequenceBatches(10, 10)), store, timeouts: SHORT }),
    );
    expect(error?.code).toBe("COMMIT_UNKNOWN");
    expect(error?.message).toContain("did not finish committing within 300ms (timeouts.commit)");
    expect(error?.transient).toBe(false);
  });
});

describe("journal: a commit of unknown outcome", () => {
  it("is recorded as unknown, and as recovered once the store shows it was published", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-guard-journal-"));
    try {
      const journal = new FileJournal(dir);
      const run = {
        id: "f.e",
        flow: "f",
        entity: "e",
        home: { type: "memory", plugin: "m", options: {} },
        store: { type: "memory", plugin: "m", options: {} },
        runType: "incremental" as const,
      };
      const store = memoryStore(new MemoryBackend(), "t");
      store.commit = () => never();
      const error = await fail(
        runFlow({ flow: "f", entity: "e", home: memoryHome(sequenceBatches(5, 5)), store, timeouts: SHORT }),
      );
      const base = {
        id: "f.e",
        flow: "f",
        entity: "e",
        runType: "incremental" as const,
        rows: 0,
        bytes: 0,
        batches: 0,
        elapsedMs: 1,
        durationMs: 1,
        rowsPerSec: 0,
        locations: [],
        attempts: 1,
        queueHighWater: 0,
      };
      const unknown: FlowReport = {
        ...base,
        status: "fail",
        runId: "r1",
        startedAt: "2026-01-01T00:00:00.000Z",
        finishedAt: "2026-01-01T00:00:01.000Z",
        error,
      };
      await journal.record(unknown, run);
      const [record] = await journal.list("f", "e");
      expect(record).toMatchObject({
        status: "fail",
        commitOutcome: "unknown",
        error: { code: "COMMIT_UNKNOWN" },
      });
      expect(record!.error!.message).not.toMatch(/nothing (was )?published/i);
      // The next run finds that the store did publish r1: the journal says so.
      const next: FlowReport = {
        ...base,
        status: "pass",
        runId: "r2",
        startedAt: "2026-01-01T00:01:00.000Z",
        finishedAt: "2026-01-01T00:01:01.000Z",
        committed: {
          runId: "r1",
          runType: "incremental",
          flow: "f",
          entity: "e",
          committedAt: "2026-01-01T00:00:00.500Z",
        },
      };
      await journal.record(next, run);
      const records = await journal.list("f", "e");
      expect(records.filter((r) => r.runId === "r1").map((r) => [r.status, r.recovered ?? false])).toEqual(
        expect.arrayContaining([
          ["fail", false],
          ["pass", true],
        ]),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
