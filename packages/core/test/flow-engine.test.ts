import { type HyggeError, isHyggeError, runFlow, toRows } from "@hygge/core";
import { MemoryBackend, memoryHome, memoryStore, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";

const fail = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as HyggeError,
  );

describe("flow engine", () => {
  it("moves every row, in order, and reports counts", async () => {
    const backend = new MemoryBackend();
    const report = await runFlow({
      flow: "f",
      entity: "e",
      home: memoryHome(sequenceBatches(1000, 100)),
      store: memoryStore(backend, "e"),
    });
    expect(report).toMatchObject({
      id: "f.e",
      status: "pass",
      rows: 1000,
      batches: 10,
      locations: ["memory:e"],
    });
    expect(toRows(backend.get("e")!).map((r) => r.id)).toEqual(
      Array.from({ length: 1000 }, (_, i) => String(i)),
    );
  });

  it("a slow store holds the producer back: batches in flight never exceed the queue", async () => {
    const backend = new MemoryBackend();
    let produced = 0;
    let consumed = 0;
    let maxInFlight = 0;
    const report = await runFlow({
      flow: "f",
      home: memoryHome(sequenceBatches(200, 1), { onYield: () => produced++ }),
      store: memoryStore(backend, "slow", {
        delayMs: 1,
        onWrite: () => {
          consumed++;
          maxInFlight = Math.max(maxInFlight, produced - consumed);
        },
      }),
      queueSize: 3,
    });
    expect(report.rows).toBe(200);
    // queue (3) + the batch the producer holds while blocked on push
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(report.queueHighWater).toBeLessThanOrEqual(3);
    expect(report.queueHighWater).toBeGreaterThanOrEqual(2);
  });

  it("a store failing while the home has 1,000 batches left stops the home at once", async () => {
    const backend = new MemoryBackend();
    backend.put("t", sequenceBatches(5, 5));
    let yielded = 0;
    const store = memoryStore(backend, "t", { failAfterBatches: 3 });
    const error = await fail(
      runFlow({
        flow: "sales",
        entity: "t",
        home: memoryHome(sequenceBatches(1010, 1), { onYield: () => yielded++ }),
        store,
        storePlugin: "memory-store",
        queueSize: 4,
      }),
    );
    expect(isHyggeError(error)).toBe(true);
    expect(error).toMatchObject({
      code: "STORE_WRITE_FAILED",
      flow: "sales",
      entity: "t",
      plugin: "memory-store",
    });
    expect(yielded).toBeLessThan(3 + 4 + 3);
    expect(store.aborted).toHaveLength(1);
    expect(store.closed).toBe(1);
    expect(backend.rows("t")).toBe(5);
  });

  it("a home failing mid-stream aborts and closes the store; the destination keeps its data", async () => {
    const backend = new MemoryBackend();
    backend.put("t", sequenceBatches(7, 7));
    const store = memoryStore(backend, "t");
    const error = await fail(
      runFlow({
        flow: "f",
        entity: "t",
        home: memoryHome(sequenceBatches(100, 10), { failAfterBatches: 4 }),
        store,
        homePlugin: "memory-home",
      }),
    );
    expect(error).toMatchObject({ code: "HOME_READ_FAILED", plugin: "memory-home", flow: "f", entity: "t" });
    expect(error?.message).toContain("failed after 4 batches");
    expect(store.aborted).toEqual([error]);
    expect(store.closed).toBe(1);
    expect(backend.rows("t")).toBe(7);
  });

  it("a store stuck in write() that ignores the signal cannot hold the flow when the home fails", async () => {
    const backend = new MemoryBackend();
    const store = memoryStore(backend, "t");
    store.write = () => new Promise<void>(() => undefined); // never settles
    const error = await fail(
      runFlow({ flow: "f", home: memoryHome(sequenceBatches(100, 10), { failAfterBatches: 3 }), store }),
    );
    expect(error?.code).toBe("HOME_READ_FAILED");
    expect(store.aborted).toHaveLength(1);
    expect(store.closed).toBe(1);
  });

  it("a home stuck in next() that ignores the signal cannot hold the flow when the store fails", async () => {
    const backend = new MemoryBackend();
    const [first] = sequenceBatches(10, 10);
    const home = {
      async *read() {
        yield first!;
        yield first!;
        await new Promise(() => undefined); // never settles
      },
    };
    const store = memoryStore(backend, "t", { failAfterBatches: 1 });
    const error = await fail(runFlow({ flow: "f", home, store }));
    expect(error?.code).toBe("STORE_WRITE_FAILED");
    expect(store.aborted).toHaveLength(1);
  });

  it("cancellation ends a flow whose home is stuck", async () => {
    const controller = new AbortController();
    const home = {
      async *read() {
        controller.abort();
        await new Promise(() => undefined);
      },
    };
    const error = await fail(
      runFlow({ flow: "f", home, store: memoryStore(new MemoryBackend(), "t"), signal: controller.signal }),
    );
    expect(error?.code).toBe("ABORTED");
  });

  it("a commit failure aborts the store", async () => {
    const backend = new MemoryBackend();
    const store = memoryStore(backend, "t", { failOnCommit: true });
    const error = await fail(runFlow({ flow: "f", home: memoryHome(sequenceBatches(10, 5)), store }));
    expect(error?.code).toBe("STORE_COMMIT_FAILED");
    expect(store.aborted).toHaveLength(1);
    expect(backend.get("t")).toBeUndefined();
  });

  it("cancellation aborts cleanly with ABORTED and leaves the destination unchanged", async () => {
    const backend = new MemoryBackend();
    backend.put("t", sequenceBatches(3, 3));
    const controller = new AbortController();
    const store = memoryStore(backend, "t");
    const error = await fail(
      runFlow({
        flow: "f",
        home: memoryHome(sequenceBatches(10_000, 1), { onYield: (i) => i === 10 && controller.abort() }),
        store,
        signal: controller.signal,
      }),
    );
    expect(error?.code).toBe("ABORTED");
    expect(store.aborted).toHaveLength(1);
    expect(backend.rows("t")).toBe(3);
  });

  it("an already-aborted signal never opens the store", async () => {
    const backend = new MemoryBackend();
    const controller = new AbortController();
    controller.abort();
    let created = 0;
    const error = await fail(
      runFlow({
        flow: "f",
        home: memoryHome([]),
        store: () => (created++, memoryStore(backend, "t")),
        signal: controller.signal,
      }),
    );
    expect(error?.code).toBe("ABORTED");
    expect(created).toBe(0);
  });

  it("retries transient errors with a fresh home and store, and reports the attempts", async () => {
    const backend = new MemoryBackend();
    let attempts = 0;
    const events: string[] = [];
    const report = await runFlow({
      flow: "f",
      home: () => {
        attempts++;
        return memoryHome(
          sequenceBatches(50, 10),
          attempts === 1 ? { failAfterBatches: 2, transient: true } : {},
        );
      },
      store: () => memoryStore(backend, "t"),
      retry: { retries: 3, delayMs: 1 },
      onEvent: (e) => events.push(e.type),
    });
    expect(attempts).toBe(2);
    expect(report.attempts).toBe(2);
    expect(backend.rows("t")).toBe(50);
    expect(events.filter((e) => e === "retry")).toHaveLength(1);
  });

  it("does not retry errors that are not transient", async () => {
    let attempts = 0;
    const error = await fail(
      runFlow({
        flow: "f",
        home: () => (attempts++, memoryHome(sequenceBatches(50, 10), { failAfterBatches: 1 })),
        store: () => memoryStore(new MemoryBackend(), "t"),
        retry: { retries: 3, delayMs: 1 },
      }),
    );
    expect(error?.code).toBe("HOME_READ_FAILED");
    expect(attempts).toBe(1);
  });

  it("gives up after the configured retries", async () => {
    let attempts = 0;
    const error = await fail(
      runFlow({
        flow: "f",
        home: () => (
          attempts++, memoryHome(sequenceBatches(50, 10), { failAfterBatches: 1, transient: true })
        ),
        store: () => memoryStore(new MemoryBackend(), "t"),
        retry: { retries: 2, delayMs: 1 },
      }),
    );
    expect(error?.transient).toBe(true);
    expect(attempts).toBe(3);
  });

  it("refuses a run type the store does not support", async () => {
    const store = memoryStore(new MemoryBackend(), "t", { runTypes: ["full_drop"] });
    const error = await fail(runFlow({ flow: "f", home: memoryHome([]), store, runType: "incremental" }));
    expect(error?.code).toBe("CONFIG_INVALID");
    expect(error?.hint).toContain("full_drop");
  });

  it("a home that changes schema mid-stream fails with SCHEMA_MISMATCH", async () => {
    const [a] = sequenceBatches(3, 3);
    const b = a!.select(["id", "name"]);
    const error = await fail(
      runFlow({ flow: "f", home: memoryHome([a!, b]), store: memoryStore(new MemoryBackend(), "t") }),
    );
    expect(error?.code).toBe("SCHEMA_MISMATCH");
    expect(error?.message).toContain('column "amount"');
  });
});
