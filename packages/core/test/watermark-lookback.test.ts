import {
  type Home,
  lookbackSince,
  parseLookbackDuration as parseDuration,
  type ReadContext,
  runFlow,
  toRows,
  type Watermark,
  WatermarkTracker,
} from "@hygge/core";
import {
  batchOf,
  dateDayVector,
  int64Vector,
  MemoryBackend,
  memoryHome,
  memoryStore,
} from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import {
  Int32,
  Int64,
  type RecordBatch,
  TimestampMillisecond,
  TimestampNanosecond,
  Utf8,
  vectorFromArray,
} from "apache-arrow";

const rows = (ids: number[], ts: number[], v?: string[]) =>
  batchOf({
    id: vectorFromArray(ids, new Int32()),
    ts: int64Vector(new Int64(), ts.map(BigInt)),
    v: vectorFromArray(v ?? ids.map(() => "a"), new Utf8()),
  });
const ids = (batches: RecordBatch[]) => batches.flatMap((b) => toRows([b]).map((r) => r.id));
const DAY_MS = 86_400_000;

describe("durations", () => {
  it("reads ISO 8601 and plain-text durations exactly, and refuses months, years and nonsense", () => {
    expect(parseDuration("PT6H")).toBe(6n * 3_600_000_000_000n);
    expect(parseDuration("P3D")).toBe(3n * 86_400_000_000_000n);
    expect(parseDuration("P1DT12H30M1.5S")).toBe(131_401_500_000_000n);
    expect(parseDuration("3 days")).toBe(3n * 86_400_000_000_000n);
    expect(parseDuration("1h 30m")).toBe(5_400_000_000_000n);
    expect(parseDuration("90 minutes")).toBe(5_400_000_000_000n);
    expect(parseDuration("250ms")).toBe(250_000_000n);
    expect(parseDuration("1.5 hours")).toBe(5_400_000_000_000n);
    for (const bad of ["P1M", "P1Y", "1 month", "3", "days", "PT", "P", "3 days ago", "0.5ns", ""]) {
      expect([bad, parseDuration(bad)]).toEqual([bad, undefined]);
    }
  });

  it("moves the home's lower bound back by the lookback, in the column's unit (rounded up)", () => {
    const ms: Watermark = {
      column: "ts",
      kind: "timestamp",
      unit: "ms",
      timezone: "UTC",
      value: String(10 * DAY_MS),
    };
    expect(lookbackSince("3 days", ms)).toEqual({ ...ms, value: String(7 * DAY_MS) });
    const ns: Watermark = {
      column: "ts",
      kind: "timestamp",
      unit: "ns",
      timezone: null,
      value: "100000000000000",
    };
    expect(lookbackSince("PT6H", ns)?.value).toBe(String(100_000_000_000_000n - 21_600_000_000_000n));
    const date: Watermark = { column: "d", kind: "date", value: "19724" };
    expect(lookbackSince("36 hours", date)?.value).toBe("19722"); // 1.5 days → 2 days: reads a little more, never less
    const int: Watermark = {
      column: "id",
      kind: "integer",
      value: "9007199254740993",
      boundaryKeys: ["[1]"],
    };
    expect(lookbackSince(1000, int)).toEqual({ column: "id", kind: "integer", value: "9007199254739993" });
    expect(lookbackSince(undefined, int)).toBe(int);
    expect(lookbackSince("3 days", undefined)).toBeUndefined();
  });

  it("refuses a lookback that does not fit the column's kind, naming the column", () => {
    const str: Watermark = { column: "name", kind: "string", value: "m" };
    expect(() => lookbackSince("3 days", str)).toThrow(
      /lookback "3 days" does not apply to the string watermark column "name"/,
    );
    const int: Watermark = { column: "id", kind: "integer", value: "10" };
    expect(() => lookbackSince("3 days", int)).toThrow(
      expect.objectContaining({ hint: expect.stringContaining("lookback: 1000") }),
    );
    expect(() => lookbackSince(1.5, int)).toThrow(/integer watermark column "id"/);
    const ts: Watermark = { column: "ts", kind: "timestamp", unit: "ms", value: "10" };
    expect(() => lookbackSince(1000, ts)).toThrow(
      expect.objectContaining({ hint: expect.stringContaining("PT6H") }),
    );
  });
});

describe("watermark lookback", () => {
  const spec = { column: "ts", primaryKey: ["id"], lookback: 5 };

  it("keeps every row in the window (including the old boundary) and commits max(previous, seen)", () => {
    const since: Watermark = { column: "ts", kind: "integer", value: "20", boundaryKeys: ["[4]"] };
    const t = new WatermarkTracker(spec, since, "merge");
    expect(t.homeSince).toEqual({ column: "ts", kind: "integer", value: "15" });
    // A home that cannot filter returns everything: rows before the window are dropped.
    expect(ids(t.process(rows([1, 2, 3, 4, 5], [10, 14, 15, 20, 25])))).toEqual([3, 4, 5]);
    expect(t.result()).toEqual({ column: "ts", kind: "integer", value: "25", rereadBoundary: true });
    // Only late rows below the committed watermark: it does not move back.
    const late = new WatermarkTracker(spec, since, "merge");
    expect(ids(late.process(rows([6], [17])))).toEqual([6]);
    expect(late.result()).toBe(since);
  });

  it("is refused with run_type incremental (it would append rows twice)", () => {
    expect(() => new WatermarkTracker(spec, undefined, "incremental")).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", hint: expect.stringContaining("run_type merge") }),
    );
  });

  it("end to end: a late row with an older timestamp is loaded, an updated row replaced, nothing duplicated", async () => {
    const backend = new MemoryBackend();
    const day = (d: number) => d * DAY_MS;
    const batch = (list: [number, number, string][]) =>
      batchOf({
        id: vectorFromArray(
          list.map((r) => r[0]),
          new Int32(),
        ),
        ts: int64Vector(
          new TimestampMillisecond("UTC"),
          list.map((r) => BigInt(day(r[1]))),
        ),
        v: vectorFromArray(
          list.map((r) => r[2]),
          new Utf8(),
        ),
      });
    let source: [number, number, string][] = [
      [1, 1, "a"],
      [2, 5, "a"],
      [3, 10, "a"],
    ];
    const asked: (Watermark | undefined)[] = [];
    const home = (): Home => {
      const inner = memoryHome(() => [batch(source)]);
      return { read: (ctx: ReadContext) => (asked.push(ctx.watermark?.since), inner.read(ctx)) };
    };
    const run = () =>
      runFlow({
        flow: "f",
        home,
        store: () => memoryStore(backend, "t", { runTypes: ["merge"] }),
        runType: "merge",
        watermark: { column: "ts", primaryKey: ["id"], lookback: "3 days" },
        primaryKey: ["id"],
      });
    await run();
    // Row 4 arrives late with day 8 (older than the watermark, inside the window 10 − 3 = day 7),
    // row 3 is updated at its same day 10; row 2 (moved to day 6) and row 5 (day 6.5) are outside
    // the window: not read, the nature of watermarks.
    source = [
      [1, 1, "a"],
      [2, 6, "updated-outside"],
      [3, 10, "updated-inside"],
      [4, 8, "late"],
      [5, 6.5, "too-late"],
    ];
    const second = await run();
    expect(asked[1]).toMatchObject({ kind: "timestamp", unit: "ms", value: String(day(7)) });
    expect(second.watermark).toMatchObject({ value: String(day(10)), rereadBoundary: true });
    const loaded = toRows(backend.get("t")!).map((r) => [r.id, r.v]);
    expect(loaded.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, "a"],
      [2, "a"],
      [3, "updated-inside"],
      [4, "late"],
    ]);
    expect(backend.datasets.get("t")?.state?.watermark?.value).toBe(String(day(10)));
  });

  it("dates look back by whole days", () => {
    const since: Watermark = { column: "d", kind: "date", value: "19724", boundaryKeys: ["[1]"] };
    const t = new WatermarkTracker({ column: "d", primaryKey: ["id"], lookback: "2 days" }, since, "merge");
    const b = batchOf({
      id: vectorFromArray([1, 2, 3], new Int32()),
      d: dateDayVector([19724, 19722, 19721]),
    });
    expect(ids(t.process(b))).toEqual([1, 2]);
  });

  it("nanosecond timestamps keep an exact window", () => {
    const since: Watermark = {
      column: "ts",
      kind: "timestamp",
      unit: "ns",
      timezone: "UTC",
      value: "1704067200123456789",
    };
    const t = new WatermarkTracker({ column: "ts", primaryKey: ["id"], lookback: "1 us" }, since, "merge");
    const b = batchOf({
      id: vectorFromArray([1, 2], new Int32()),
      ts: int64Vector(new TimestampNanosecond("UTC"), [1704067200123455789n, 1704067200123455788n]),
    });
    expect(ids(t.process(b))).toEqual([1]);
  });
});
