import {
  createContext,
  Factory,
  type Home,
  HyggeError,
  type HyggePlugin,
  Registry,
  runFlow,
  type Store,
  z,
} from "@hygge/core";
import { MemoryBackend, memoryHome, memoryStore, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Table } from "apache-arrow";
import { isRecordBatch } from "../src/plugin-shape.js";
import { fail, SHORT } from "./guard-helpers.js";

/** The PLUGIN_INVALID error registering `plugin` throws. */
function registering(plugin: unknown): HyggeError {
  try {
    new Registry([plugin as HyggePlugin]);
  } catch (error) {
    expect(error).toBeInstanceOf(HyggeError);
    return error as HyggeError;
  }
  throw new Error("the plugin was accepted");
}

const options = z.strictObject({});
const home = { options, create: () => memoryHome(sequenceBatches(1, 1)) };
const store = {
  options,
  runTypes: ["full_drop"],
  create: () => memoryStore(new MemoryBackend(), "t"),
};

describe("malformed plugin objects are PLUGIN_INVALID, naming the plugin and what is wrong", () => {
  it("a plugin that is not an object (a module's default export that is a function or a string)", () => {
    for (const [value, what] of [
      [() => ({}), "a function"],
      ["hygge-plugin-x", "a string"],
      [undefined, "undefined"],
      [[home], "an array (1 item)"],
    ] as const) {
      const error = registering(value);
      expect(error.code).toBe("PLUGIN_INVALID");
      expect(error.message).toBe(`invalid plugin: it is ${what}, not a plugin object`);
      expect(error.hint).toContain("A plugin's default export is { name,");
    }
  });

  it("a plugin without `name`: the message names its homes' problems too", () => {
    const error = registering({ homes: { counter: { create: home.create } } });
    expect(error.code).toBe("PLUGIN_INVALID");
    expect(error.message).toContain("`name` must be a non-empty string (it has none");
    expect(error.message).toContain("homes.counter.options must be a zod schema (it has none");
  });

  it("a home without options or create names the plugin, the home type and the missing key", () => {
    const error = registering({
      name: "hygge-plugin-counter",
      homes: { counter: {}, other: { options: {} } },
    });
    expect(error).toMatchObject({ code: "PLUGIN_INVALID", plugin: "hygge-plugin-counter" });
    expect(error.message).toBe(
      'plugin "hygge-plugin-counter" is invalid: ' +
        "homes.counter.options must be a zod schema (it has none: the schema of its block, e.g. z.strictObject({ … })); " +
        "homes.counter.create must be a function (it has none: it builds the home from its options); " +
        "homes.other.options must be a zod schema (not a plain object: the schema of its block, e.g. z.strictObject({ … })); " +
        "homes.other.create must be a function (it has none: it builds the home from its options)",
    );
    expect(error.hint).toMatch(/^Fix the plugin named above\./);
  });

  it("a store without runTypes, with an empty list, or with an unknown run type", () => {
    const none = registering({ name: "p", stores: { sink: { options, create: store.create } } });
    expect(none.message).toContain(
      "stores.sink.runTypes must list the run types it supports, among full_drop, incremental, merge (it has none)",
    );
    const empty = registering({ name: "p", stores: { sink: { ...store, runTypes: [] } } });
    expect(empty.message).toContain("stores.sink.runTypes must list the run types it supports");
    expect(empty.message).toContain("(not an array (0 items))");
    const unknown = registering({
      name: "p",
      stores: { sink: { ...store, runTypes: ["full_drop", "upsert"] } },
    });
    expect(unknown).toMatchObject({ code: "PLUGIN_INVALID", plugin: "p" });
    expect(unknown.message).toBe(
      'plugin "p" is invalid: stores.sink.runTypes has unknown run type "upsert" (known: full_drop, incremental, merge)',
    );
  });

  it("a well-formed plugin is accepted (the checks refuse only what is wrong)", () => {
    const registry = new Registry([{ name: "p", homes: { h: home }, stores: { s: store } } as HyggePlugin]);
    expect(registry.types("home")).toContain("h");
    expect(registry.types("store")).toContain("s");
  });
});

describe("create() returning something that is not a home or a store", () => {
  const ctx = createContext(
    { flow: "sales", entity: "orders" },
    { projectDir: "/tmp", connections: {}, resources: {} as never },
  );
  const factory = (homeValue: unknown, storeValue: unknown) =>
    new Factory(
      new Registry([
        {
          name: "hygge-plugin-odd",
          homes: { odd: { options, create: () => homeValue as Home } },
          stores: { odd: { options, runTypes: ["full_drop"], create: async () => storeValue as Store } },
        },
      ]),
    );
  const block = { type: "odd", plugin: "hygge-plugin-odd", options: {} };

  it.each([
    [undefined, "undefined"],
    [{ rows: [] }, "an object without a read() function"],
    [[1, 2], "an array (2 items)"],
  ])("a home: create() returned %p", async (value, what) => {
    const error = await fail(factory(value, undefined).home(block, ctx));
    expect(error).toMatchObject({
      code: "PLUGIN_INVALID",
      plugin: "hygge-plugin-odd",
      flow: "sales",
      entity: "orders",
      step: "create",
    });
    expect(error?.message).toBe(
      `home type "odd" of plugin hygge-plugin-odd: create() returned ${what}, not a home`,
    );
    expect(error?.hint).toContain("an object with read(ctx)");
  });

  it("a store missing abort() and supports.runTypes, or not an object at all", async () => {
    const { abort: _, supports: __, ...partial } = memoryStore(new MemoryBackend(), "t");
    const error = await fail(factory(undefined, partial).store(block, ctx));
    expect(error).toMatchObject({ code: "PLUGIN_INVALID", plugin: "hygge-plugin-odd", entity: "orders" });
    expect(error?.message).toBe(
      'store type "odd" of plugin hygge-plugin-odd: create() returned an object with no abort() and no supports.runTypes array, not a store',
    );
    expect(error?.hint).toContain("open(ctx), write(batch), commit(state) and abort(error)");
    const nothing = await fail(factory(undefined, null).store(block, ctx));
    expect(nothing?.message).toContain("create() returned null, not a store");
  });

  it("through runFlow (the library API): a non-home fails before the store is opened, naming the plugin", async () => {
    const backend = new MemoryBackend();
    const s = memoryStore(backend, "t");
    const error = await fail(
      runFlow({
        flow: "f",
        entity: "e",
        home: { rows: [] } as unknown as Home,
        homePlugin: "hygge-plugin-bad",
        store: s,
        timeouts: SHORT,
      }),
    );
    expect(error).toMatchObject({
      code: "PLUGIN_INVALID",
      plugin: "hygge-plugin-bad",
      flow: "f",
      entity: "e",
    });
    expect(error?.message).toContain(
      "the home of plugin hygge-plugin-bad: create() returned an object without",
    );
    expect(s.aborted).toEqual([]);
    expect(backend.datasets.has("t")).toBe(false);
  });

  it("through runFlow: a store without write() fails before anything is read", async () => {
    let read = 0;
    const { write: _, ...noWrite } = memoryStore(new MemoryBackend(), "t");
    const error = await fail(
      runFlow({
        flow: "f",
        home: memoryHome(sequenceBatches(3, 3), { onYield: () => read++ }),
        store: noWrite as unknown as Store,
        storePlugin: "hygge-plugin-sink",
        timeouts: SHORT,
      }),
    );
    expect(error).toMatchObject({ code: "PLUGIN_INVALID", plugin: "hygge-plugin-sink", step: "create" });
    expect(error?.message).toBe(
      "the store of plugin hygge-plugin-sink: create() returned an object with no write(), not a store",
    );
    expect(read).toBe(0);
  });
});

describe("isRecordBatch: the per-batch check", () => {
  it("accepts batches (also an empty one), refuses tables, rows and look-alikes", () => {
    const [batch] = sequenceBatches(2, 2);
    expect(isRecordBatch(batch)).toBe(true);
    expect(isRecordBatch(batch!.slice(0, 0))).toBe(true);
    expect(isRecordBatch(new Table([batch!]))).toBe(false);
    expect(isRecordBatch({ numRows: 1, schema: { fields: [] } })).toBe(false);
    expect(isRecordBatch([batch])).toBe(false);
    expect(isRecordBatch(null)).toBe(false);
  });

  it("accepts a batch of another apache-arrow copy by its shape (one Data, a schema, getChildAt)", () => {
    const [batch] = sequenceBatches(2, 2);
    const foreign = {
      numRows: 2,
      schema: { fields: [...batch!.schema.fields] },
      data: {},
      getChildAt: () => null,
    };
    expect(isRecordBatch(foreign)).toBe(true);
    expect(isRecordBatch({ ...foreign, data: [{}] })).toBe(false);
  });
});
