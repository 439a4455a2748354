import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FileJournal, type FlowReport, type Home, runFlow } from "@hygge/core";
import { MemoryBackend, memoryHome, memoryStore, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { delay, fail, loggedStore, never, SHORT } from "./guard-helpers.js";

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
