import { runFlow, toRows, type Watermark, WatermarkTracker } from "@hygge/core";
import {
  batchOf,
  dateDayVector,
  int64Vector,
  MemoryBackend,
  memoryHome,
  memoryStore,
} from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Bool, Int32, Int64, TimestampMillisecond, TimestampNanosecond, vectorFromArray } from "apache-arrow";

const rows = (ids: number[], ts: number[]) =>
  batchOf({ id: vectorFromArray(ids, new Int32()), ts: int64Vector(new Int64(), ts.map(BigInt)) });

const ids = (batches: ReturnType<WatermarkTracker["process"]>) =>
  batches.flatMap((b) => toRows([b]).map((r) => r.id));

describe("watermark boundary rule", () => {
  it("first run keeps everything and records the max with its keys", () => {
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] });
    expect(ids(t.process(rows([1, 2, 3], [10, 20, 20])))).toEqual([1, 2, 3]);
    expect(t.result()).toEqual({ column: "ts", kind: "integer", value: "20", boundaryKeys: ["[2]", "[3]"] });
  });

  it("rows at the boundary that arrived later are loaded once; rows already loaded are not", () => {
    const since: Watermark = { column: "ts", kind: "integer", value: "20", boundaryKeys: ["[2]", "[3]"] };
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, since);
    // the home returns ts >= 20: the two loaded rows, a late row at 20, and newer rows
    expect(ids(t.process(rows([2, 3, 4, 5], [20, 20, 20, 30])))).toEqual([4, 5]);
    expect(t.result()).toMatchObject({ value: "30", boundaryKeys: ["[5]"] });
  });

  it("keeps the boundary keys growing while the max does not move", () => {
    const since: Watermark = { column: "ts", kind: "integer", value: "20", boundaryKeys: ["[2]"] };
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, since);
    expect(ids(t.process(rows([2, 9], [20, 20])))).toEqual([9]);
    expect(t.result()).toMatchObject({ value: "20", boundaryKeys: ["[2]", "[9]"] });
  });

  it("drops rows below the watermark when the home cannot filter", () => {
    const since: Watermark = { column: "ts", kind: "integer", value: "15" };
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, since);
    expect(ids(t.process(rows([1, 2, 3, 4], [10, 16, 5, 17])))).toEqual([2, 4]);
  });

  it("with no new rows the previous watermark stays", () => {
    const since: Watermark = { column: "ts", kind: "integer", value: "15", boundaryKeys: ["[1]"] };
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, since);
    t.process(rows([1], [15]));
    expect(t.result()).toEqual(since);
  });

  it("keeps nanosecond timestamps exact", () => {
    const batch = batchOf({
      id: vectorFromArray([1, 2], new Int32()),
      ts: int64Vector(new TimestampNanosecond("UTC"), [1704067200123456789n, 1704067200123456788n]),
    });
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] });
    t.process(batch);
    expect(t.result()).toMatchObject({
      kind: "timestamp",
      unit: "ns",
      timezone: "UTC",
      value: "1704067200123456789",
    });
  });

  it("dates are compared as days, the unit they are committed in", () => {
    const batch = batchOf({ id: vectorFromArray([1, 2], new Int32()), d: dateDayVector([19724, 19723]) });
    const t = new WatermarkTracker({ column: "d", primaryKey: ["id"] });
    t.process(batch);
    expect(t.result()).toMatchObject({ kind: "date", value: "19724" });
    const next = new WatermarkTracker({ column: "d", primaryKey: ["id"] }, t.result());
    expect(
      ids(
        next.process(batchOf({ id: vectorFromArray([1, 3], new Int32()), d: dateDayVector([19724, 19725]) })),
      ),
    ).toEqual([3]);
  });

  it("refuses to resume from a watermark on another column or in another time unit", () => {
    const since: Watermark = { column: "id", kind: "integer", value: "500" };
    expect(() => new WatermarkTracker({ column: "version", primaryKey: ["id"] }, since)).toThrow(
      /committed watermark is on "id"/,
    );
    const micros: Watermark = { column: "ts", kind: "timestamp", unit: "us", value: "1000000" };
    const ms = batchOf({
      id: vectorFromArray([1], new Int32()),
      ts: int64Vector(new TimestampMillisecond(), [5000n]),
    });
    expect(() => new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, micros).process(ms)).toThrow(
      /now timestamp \(ms, no time zone\), but the committed watermark is timestamp \(us, no time zone\)/,
    );
  });

  it("a watermark column widened to a finer unit (on_schema_change) resumes from the same instant, exactly", () => {
    // Committed in ms: 5 s and 1 ms after the epoch; rows 1 and 2 were loaded at that value.
    const ms: Watermark = {
      column: "ts",
      kind: "timestamp",
      unit: "ms",
      value: "5001",
      boundaryKeys: ["[1]"],
    };
    const us = batchOf({
      id: vectorFromArray([1, 2, 3, 4], new Int32()),
      ts: int64Vector(new TimestampNanosecond(), [
        5_001_000_000n,
        5_001_000_000n,
        5_001_000_001n,
        5_000_999_999n,
      ]),
    });
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, ms);
    // Row 1 is at the boundary and loaded; row 2 is at the boundary and new; row 4 is below it.
    expect(ids(t.process(us))).toEqual([2, 3]);
    expect(t.result()).toEqual({
      column: "ts",
      kind: "timestamp",
      unit: "ns",
      value: "5001000001",
      boundaryKeys: ["[3]"],
    });
  });

  it("a missing or unorderable watermark column is a configuration error naming it", () => {
    const t = new WatermarkTracker({ column: "nope", primaryKey: [] });
    expect(() => t.process(rows([1], [1]))).toThrow(/watermark column "nope" is not in the data/);
    const b = batchOf({ flag: vectorFromArray([true], new Bool()) });
    expect(() => new WatermarkTracker({ column: "flag", primaryKey: [] }).process(b)).toThrow(
      /cannot be ordered/,
    );
  });

  it("end to end: incremental runs over a growing source load each row exactly once", async () => {
    const backend = new MemoryBackend();
    const store = () => memoryStore(backend, "t");
    const spec = { column: "ts", primaryKey: ["id"] };
    const source = [rows([1, 2, 3], [10, 20, 20])];
    const run = () =>
      runFlow({ flow: "f", home: memoryHome(() => source), store, runType: "incremental", watermark: spec });
    expect((await run()).rows).toBe(3);
    source.push(rows([4], [20])); // late row sharing the boundary value
    expect((await run()).rows).toBe(1);
    source.push(rows([5, 6], [21, 25]));
    expect((await run()).rows).toBe(2);
    expect((await run()).rows).toBe(0);
    const loaded = toRows(backend.get("t")!).map((r) => r.id);
    expect(loaded.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await store().committedState!())?.watermark).toMatchObject({
      value: "25",
      boundaryKeys: ["[6]"],
    });
  });
});
