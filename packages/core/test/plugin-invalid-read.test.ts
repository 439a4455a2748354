import { type Home, runFlow } from "@hygge/core";
import { MemoryBackend, memoryStore, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Table } from "apache-arrow";
import { fail, SHORT } from "./guard-helpers.js";

/** A home yielding `values` as they are (a malformed home), after `good` real batches. */
function yielding(values: unknown[], good = 0): Home {
  return {
    async *read() {
      yield* sequenceBatches(good * 2, 2);
      for (const v of values) yield v as never;
    },
  };
}

function run(home: Home, runType: "full_drop" | "incremental" = "full_drop") {
  const backend = new MemoryBackend();
  backend.put("t", sequenceBatches(3, 3));
  const written: unknown[] = [];
  const store = memoryStore(backend, "t", { onWrite: (b) => written.push(b) });
  const result = runFlow({
    flow: "sales",
    entity: "orders",
    home,
    homePlugin: "hygge-plugin-rows",
    store,
    storePlugin: "@hygge/sql",
    runType,
    timeouts: SHORT,
  });
  return { result, backend, store, written };
}

describe("a home yielding values that are not record batches: PLUGIN_INVALID blaming the home", () => {
  it.each([
    ["plain objects (rows)", [{ id: 1 }], 0, "a plain object as its 1st value"],
    ["arrays", [[1, "a"]], 0, "an array (2 items) as its 1st value"],
    ["a string after two good batches", ["id,name"], 2, "a string as its 3rd value"],
    ["undefined", [undefined], 0, "undefined as its 1st value"],
  ])("%s", async (_, values, good, what) => {
    const { result, backend, store, written } = run(yielding(values, good));
    const error = await fail(result);
    expect(error).toMatchObject({
      code: "PLUGIN_INVALID",
      plugin: "hygge-plugin-rows",
      flow: "sales",
      entity: "orders",
      step: "read",
    });
    expect(error?.message).toBe(
      `the home of plugin hygge-plugin-rows yielded ${what}, not an Arrow RecordBatch`,
    );
    expect(error?.hint).toContain("must yield Arrow RecordBatches");
    // Only the good batches reached the store, which was aborted: the destination is as before.
    expect(written).toHaveLength(good);
    expect(store.aborted).toEqual([error]);
    expect(backend.rows("t")).toBe(3);
  });

  it("a Table instead of its batches: the hint says to yield its batches", async () => {
    const table = new Table(sequenceBatches(2, 2));
    const error = await fail(run(yielding([table])).result);
    expect(error?.code).toBe("PLUGIN_INVALID");
    expect(error?.message).toContain("yielded a Table as its 1st value");
    expect(error?.hint).toBe("Yield the table's batches (`yield* table.batches`), not the table.");
  });

  it("read() returning an array of batches or a promise, not an async iterable", async () => {
    const array: Home = { read: () => sequenceBatches(2, 2) as never };
    const error = await fail(run(array).result);
    expect(error).toMatchObject({ code: "PLUGIN_INVALID", plugin: "hygge-plugin-rows", step: "read" });
    expect(error?.message).toBe(
      "the home of plugin hygge-plugin-rows: read() returned an array (1 item), not an async iterable of record batches",
    );
    expect(error?.hint).toContain("async generator");
    const promised: Home = { read: (async () => sequenceBatches(2, 2)) as never };
    const p = await fail(run(promised).result);
    expect(p?.message).toContain("read() returned a Promise, not an async iterable");
    expect(p?.hint).toContain("not an async function returning batches");
  });
});

describe("a home that yields no batch at all", () => {
  it("in a full_drop run: refused, the destination is left as it was", async () => {
    const { result, backend, store } = run(yielding([]));
    const error = await fail(result);
    expect(error).toMatchObject({
      code: "PLUGIN_INVALID",
      plugin: "hygge-plugin-rows",
      step: "read",
      entity: "orders",
    });
    expect(error?.message).toBe(
      "the home of plugin hygge-plugin-rows yielded no batch at all in a full_drop run: the destination would be replaced by one without columns, so nothing was written",
    );
    expect(error?.hint).toContain("yield an empty batch with the source's columns");
    expect(store.aborted).toEqual([error]);
    expect(backend.rows("t")).toBe(3);
  });

  it("in a full_drop run, an empty batch (zero rows, with its columns) is the way to say 'no rows'", async () => {
    const [empty] = sequenceBatches(1, 1).map((b) => b.slice(0, 0));
    const { result, backend } = run(yielding([empty]));
    const report = await result;
    expect(report.rows).toBe(0);
    expect(backend.rows("t")).toBe(0);
    expect(backend.get("t")?.[0]?.schema.fields.map((f) => f.name)).toEqual(
      empty!.schema.fields.map((f) => f.name),
    );
  });

  it("in an incremental run: nothing new, the destination is kept", async () => {
    const { result, backend } = run(yielding([]), "incremental");
    const report = await result;
    expect(report.rows).toBe(0);
    expect(backend.rows("t")).toBe(3);
  });
});
