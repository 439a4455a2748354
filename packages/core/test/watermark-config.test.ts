import { type HyggeError, type HyggePlugin, planProject, Registry, runProject } from "@hygge/core";
import { batchOf, int64Vector, MemoryBackend, memoryPlugin } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Int32, Int64, vectorFromArray } from "apache-arrow";

/** The memory plugin, with its store declaring merge (it upserts by primary key). */
const mergePlugin = (backend: MemoryBackend): HyggePlugin => {
  const plugin = memoryPlugin(backend);
  const store = plugin.stores!.memory!;
  const runTypes = ["full_drop", "incremental", "merge"] as const;
  return {
    ...plugin,
    stores: {
      memory: {
        ...store,
        runTypes: [...runTypes],
        create: async (options, ctx) => {
          const created = await store.create(options, ctx);
          return { ...created, supports: { ...created.supports, runTypes: [...runTypes] } };
        },
      },
    },
  };
};
const flow = (runType: string, watermark: Record<string, unknown>) => ({
  flows: {
    f: {
      home: { type: "memory", dataset: "src" },
      store: { type: "memory" },
      run_type: runType as "merge",
      watermark: { watermark_column: "ts", primary_key: "id", ...watermark },
      entities: ["a"],
    },
  },
});
const problems = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as HyggeError).details as { path: string; message: string; hint?: string }[];
  }
  throw new Error("expected a configuration error");
};

describe("watermark configuration", () => {
  const registry = () => new Registry([mergePlugin(new MemoryBackend())]);

  it("passes max_boundary_keys and lookback to the run", () => {
    const plan = planProject(flow("merge", { max_boundary_keys: 50, lookback: "3 days" }), registry());
    expect(plan.runs[0]!.watermark).toEqual({
      column: "ts",
      primaryKey: ["id"],
      maxBoundaryKeys: 50,
      lookback: "3 days",
    });
  });

  it("refuses lookback with run_type incremental, pointing at the key", () => {
    expect(problems(() => planProject(flow("incremental", { lookback: 100 }), registry()))).toEqual([
      expect.objectContaining({
        path: "watermark.lookback",
        message: expect.stringContaining("run_type incremental appends them again (entity f.a)"),
        hint: expect.stringContaining("run_type merge"),
      }),
    ]);
    // --full-drop ignores the watermark: the lookback is no problem then.
    expect(
      planProject(flow("incremental", { lookback: 100 }), registry(), { runType: "full_drop" }).runs,
    ).toHaveLength(1);
  });

  it("refuses a lookback that is not a duration, and a negative bound", () => {
    expect(problems(() => planProject(flow("merge", { lookback: "3 months" }), registry()))).toEqual([
      expect.objectContaining({
        path: "watermark.lookback",
        message: '"3 months" is not a duration (entity f.a)',
      }),
    ]);
    expect(
      problems(() => planProject(flow("merge", { max_boundary_keys: -1 }), registry()))[0],
    ).toMatchObject({
      path: "flows.f.watermark.max_boundary_keys",
    });
  });

  it("through runProject: a merge entity with a lookback re-reads its window and keeps one row per key", async () => {
    const backend = new MemoryBackend();
    const rows = (ids: number[], ts: number[]) =>
      batchOf({ id: vectorFromArray(ids, new Int32()), ts: int64Vector(new Int64(), ts.map(BigInt)) });
    backend.put("src/a", [rows([1, 2, 3], [10, 20, 30])]);
    const project = flow("merge", { lookback: 15 });
    await runProject({ plugins: [mergePlugin(backend)], project });
    backend.put("src/a", [rows([1, 2, 3, 4, 5], [10, 20, 30, 16, 14])]);
    const summary = await runProject({ plugins: [mergePlugin(backend)], project });
    expect(summary.flows[0]).toMatchObject({ status: "pass", rows: 3 }); // 20, 30 and the late 16
    expect(backend.rows("a")).toBe(4);
  });
});
