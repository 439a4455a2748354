import { describeError, HyggeError, isHyggeError, Registry, runProject, z } from "@hygge/core";
import { MemoryBackend, memoryPlugin, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";

function setup(entities: string[], rows = 100) {
  const backend = new MemoryBackend();
  for (const e of entities) backend.put(`src/${e}`, sequenceBatches(rows, 10));
  return { backend, plugins: [memoryPlugin(backend)] };
}

describe("coordinator and programmatic API", () => {
  it("runs every entity of a project from plain objects and sums the totals", async () => {
    const { backend, plugins } = setup(["a", "b", "c"]);
    const summary = await runProject({
      plugins,
      project: {
        name: "demo",
        flows: {
          copy: {
            home: { type: "memory", dataset: "src" },
            store: { type: "memory", dataset: "dst" },
            entities: ["a", "b", "c"],
          },
        },
      },
    });
    expect(summary.status).toBe("pass");
    expect(summary.flows.map((f) => [f.id, f.status, f.rows])).toEqual([
      ["copy.a", "pass", 100],
      ["copy.b", "pass", 100],
      ["copy.c", "pass", 100],
    ]);
    expect(summary.totals).toMatchObject({ rows: 300, pass: 3, fail: 0, skip: 0 });
    expect(backend.rows("dst/b")).toBe(100);
  });

  it("never runs more entities at once than the concurrency limit", async () => {
    const names = ["a", "b", "c", "d", "e", "f"];
    const { plugins } = setup(names, 20);
    let running = 0;
    let peak = 0;
    await runProject({
      plugins,
      concurrency: 2,
      project: {
        flows: {
          copy: {
            home: { type: "memory", dataset: "src", delay_ms: 2 },
            store: { type: "memory" },
            entities: names,
          },
        },
      },
      onEvent: (e) => {
        if (e.type === "start") peak = Math.max(peak, ++running);
        if (e.type === "done" || e.type === "failed") running--;
      },
    });
    expect(peak).toBe(2);
  });

  it("continue_on_error: true runs the others; false skips the ones not started", async () => {
    const { plugins } = setup(["a", "b", "c"]);
    const flows = {
      copy: {
        home: { type: "memory", dataset: "src" },
        store: { type: "memory" },
        entities: [{ name: "a", home: { fail_after_batches: 1 } }, "b", "c"],
      },
    };
    const on = await runProject({
      plugins,
      concurrency: 1,
      project: { flows, options: { continue_on_error: true } },
    });
    expect(on.flows.map((f) => f.status)).toEqual(["fail", "pass", "pass"]);
    expect(on.status).toBe("fail");
    const off = await runProject({
      plugins,
      concurrency: 1,
      project: { flows, options: { continue_on_error: false } },
    });
    expect(off.flows.map((f) => f.status)).toEqual(["fail", "skip", "skip"]);
    expect(off.totals).toMatchObject({ fail: 1, skip: 2 });
    const err = off.flows[0]!.error!;
    expect(describeError(err)).toMatch(
      /^\[HOME_READ_FAILED\] flow copy, entity a, plugin @hygge\/core\/testing#memory: /,
    );
  });

  it("a filter that matches nothing lists what exists", async () => {
    const { plugins } = setup(["a"]);
    await expect(
      runProject({
        plugins,
        flows: ["nope"],
        project: {
          flows: {
            copy: { home: { type: "memory", dataset: "src" }, store: { type: "memory" }, entities: ["a"] },
          },
        },
      }),
    ).rejects.toMatchObject({ code: "USAGE", hint: "flows: copy" });
    await expect(
      runProject({
        plugins,
        entities: ["copy.b"],
        project: {
          flows: {
            copy: { home: { type: "memory", dataset: "src" }, store: { type: "memory" }, entities: ["a"] },
          },
        },
      }),
    ).rejects.toMatchObject({ code: "USAGE", hint: "entities: copy.a" });
  });

  it("shares one resource per key across flows and disposes it at the end", async () => {
    const { backend } = setup([]);
    backend.put("x", sequenceBatches(5, 5));
    const events: string[] = [];
    const plugin = {
      name: "pool-plugin",
      homes: {
        pooled: {
          options: z.strictObject({}),
          async create(_o: unknown, ctx: import("@hygge/core").CreateContext) {
            await ctx.resources.get(
              "pool",
              () => (events.push("create"), {}),
              () => void events.push("dispose"),
            );
            const { memoryHome } = await import("@hygge/core/testing");
            return memoryHome(backend.get("x")!);
          },
        },
      },
    };
    await runProject({
      plugins: [memoryPlugin(backend), plugin],
      project: {
        flows: { f: { home: { type: "pooled" }, store: { type: "memory" }, entities: ["a", "b", "c"] } },
      },
    });
    expect(events).toEqual(["create", "dispose"]);
  });
});

describe("registry and errors", () => {
  it("two plugins providing one type is an error naming both", () => {
    const a = { name: "a", homes: { x: { options: z.strictObject({}), create: () => ({}) as never } } };
    const b = { name: "b", homes: { x: { options: z.strictObject({}), create: () => ({}) as never } } };
    expect(() => new Registry([a, b])).toThrow('home type "x" is provided by both a and b');
  });

  it("rejects a plugin without the expected shape", () => {
    expect(() => new Registry([{ name: "bad", homes: { x: { create: 1 } } } as never])).toThrow(
      expect.objectContaining({
        code: "PLUGIN_INVALID",
        message: expect.stringContaining("homes.x.options must be a zod schema"),
      }),
    );
  });

  it("isHyggeError works across copies of the package (brand, not instanceof)", () => {
    const foreign = Object.assign(new Error("x"), {
      code: "CONFIG_INVALID",
      [Symbol.for("hygge.error")]: true,
    });
    expect(isHyggeError(foreign)).toBe(true);
    expect(isHyggeError(new Error("x"))).toBe(false);
    expect(isHyggeError(new HyggeError("USAGE", "u"))).toBe(true);
  });
});
