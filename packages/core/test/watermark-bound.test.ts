import { runFlow, toRows, type Watermark, WatermarkTracker } from "@hygge/core";
import { batchOf, int64Vector, MemoryBackend, memoryHome, memoryStore } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Int32, Int64, type RecordBatch, vectorFromArray } from "apache-arrow";

const rows = (ids: number[], ts: number[]) =>
  batchOf({ id: vectorFromArray(ids, new Int32()), ts: int64Vector(new Int64(), ts.map(BigInt)) });
const ids = (batches: RecordBatch[]) => batches.flatMap((b) => toRows([b]).map((r) => r.id));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const spec = { column: "ts", primaryKey: ["id"], maxBoundaryKeys: 3 };

describe("boundary keys are bounded (watermark.max_boundary_keys)", () => {
  it("defaults to 10,000 keys and never keeps more", () => {
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, undefined, "merge");
    t.process(rows(range(1, 10_001), new Array(10_001).fill(7)));
    expect(t.result()).toEqual({ column: "ts", kind: "integer", value: "7", rereadBoundary: true });
    const exact = new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, undefined, "merge");
    exact.process(rows(range(1, 10_000), new Array(10_000).fill(7)));
    expect(exact.result()?.boundaryKeys).toHaveLength(10_000);
  });

  it("incremental: more rows at the new maximum than the bound fails before commit, naming column, value, count and bound", () => {
    const t = new WatermarkTracker(spec, undefined, "incremental");
    t.process(rows([1, 2], [10, 20]));
    t.process(rows([3, 4, 5], [20, 20, 20]));
    let error: unknown;
    try {
      t.result();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(
        /"ts": 4 rows share the new watermark value 20, more than watermark.max_boundary_keys \(3\)/,
      ),
      hint: expect.stringMatching(
        /finer watermark_column.*run_type merge.*raise watermark.max_boundary_keys/,
      ),
    });
  });

  it("the bound counts the previous keys when the maximum does not move", () => {
    const since: Watermark = { column: "ts", kind: "integer", value: "20", boundaryKeys: ["[1]", "[2]"] };
    const t = new WatermarkTracker(spec, since, "incremental");
    expect(ids(t.process(rows([1, 2, 3], [20, 20, 20])))).toEqual([3]);
    expect(t.result()).toMatchObject({ boundaryKeys: ["[1]", "[2]", "[3]"] });
    const over = new WatermarkTracker(spec, since, "incremental");
    over.process(rows([1, 2, 3, 4], [20, 20, 20, 20]));
    expect(() => over.result()).toThrow(/4 rows share the new watermark value 20/);
  });

  it("a maximum that moves past an overflowing value starts a fresh key list", () => {
    const t = new WatermarkTracker(spec, undefined, "incremental");
    t.process(rows([1, 2, 3, 4, 5], [20, 20, 20, 20, 20]));
    t.process(rows([6, 7], [30, 30]));
    expect(t.result()).toMatchObject({ value: "30", boundaryKeys: ["[6]", "[7]"] });
  });

  it("end to end, incremental: nothing is published and the store keeps its previous state", async () => {
    const backend = new MemoryBackend();
    const source = [rows([1, 2], [10, 11])];
    const run = () =>
      runFlow({
        flow: "f",
        home: memoryHome(() => source),
        store: () => memoryStore(backend, "t"),
        runType: "incremental",
        watermark: spec,
      });
    await run();
    source.push(rows([3, 4, 5, 6], [12, 12, 12, 12]));
    await expect(run()).rejects.toMatchObject({ code: "CONFIG_INVALID", flow: "f" });
    expect(ids(backend.get("t")!)).toEqual([1, 2]);
    expect(backend.datasets.get("t")?.state?.watermark).toMatchObject({ value: "11", boundaryKeys: ["[2]"] });
  });

  it("end to end, merge: past the bound the boundary value is read again and upserted: no row lost or duplicated", async () => {
    const backend = new MemoryBackend();
    const source = [rows([1, 2, 3, 4, 5], [20, 20, 20, 20, 20])];
    const store = () => memoryStore(backend, "t", { runTypes: ["merge"] });
    const run = () =>
      runFlow({
        flow: "f",
        home: memoryHome(() => source),
        store,
        runType: "merge",
        watermark: spec,
        primaryKey: ["id"],
      });
    expect((await run()).watermark).toEqual({
      column: "ts",
      kind: "integer",
      value: "20",
      rereadBoundary: true,
    });
    source.push(rows([6, 7], [20, 21])); // a late row at the boundary value, and a newer one
    const second = await run();
    expect(second.rows).toBe(7); // all rows at 20 read again (upserted), plus the newer one
    expect(second.watermark).toEqual({ column: "ts", kind: "integer", value: "21", boundaryKeys: ["[7]"] });
    expect(ids(backend.get("t")!).sort((a, b) => Number(a) - Number(b))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await run()).rows).toBe(0);
    expect(ids(backend.get("t")!)).toHaveLength(7);
  });

  it("an incremental run refuses to resume from a watermark that kept no keys", () => {
    const since: Watermark = { column: "ts", kind: "integer", value: "20", rereadBoundary: true };
    expect(() => new WatermarkTracker(spec, since, "incremental")).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", hint: expect.stringContaining("--full-drop") }),
    );
    const merge = new WatermarkTracker(spec, since, "merge");
    expect(ids(merge.process(rows([1, 2], [20, 20])))).toEqual([1, 2]);
    expect(merge.result()).toMatchObject({ value: "20", boundaryKeys: ["[1]", "[2]"] });
  });

  it("a watermark without keys (committed without a primary key) is never re-read, even once a key is set", () => {
    const since: Watermark = { column: "ts", kind: "integer", value: "20" };
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, since);
    expect(ids(t.process(rows([1, 2, 3], [20, 20, 21])))).toEqual([3]);
  });
});
