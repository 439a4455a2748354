import { type FlowEvent, type Home, runFlow, toRows } from "@hygge/core";
import { MemoryBackend, memoryHome, memoryStore, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import { delay, fail, loggedStore, never, SHORT, WATERMARK } from "./guard-helpers.js";

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
