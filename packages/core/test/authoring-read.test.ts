import { describe, expect, it } from "@jest/globals";
import { DateMillisecond, Field, Schema, Table, TimeNanosecond } from "apache-arrow";
import {
  batchFromRows,
  dateAt,
  decimalAt,
  formatIsoDate,
  formatIsoTimestamp,
  type HyggeError,
  isHyggeError,
  parseIsoTimestamp,
  timeAt,
  timestampAt,
  timestampToDate,
  valueAt,
} from "../src/index.js";
import { typeMatrix } from "../src/testing/index.js";

function refusal(fn: () => unknown): HyggeError {
  try {
    fn();
  } catch (error) {
    if (isHyggeError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("exact temporal and decimal accessors", () => {
  const matrix = typeMatrix();

  it("read timestamps as bigint epochs with their unit and zone, where Arrow's get() rounds", () => {
    const ns = matrix.getChild("ts_ns")!;
    expect(timestampAt(ns, 1)).toEqual({ epoch: 1704067200123456789n, unit: "ns", timezone: null });
    expect(timestampAt(ns, 2)).toBeNull();
    expect(timestampAt(ns, 3)).toEqual({ epoch: -1n, unit: "ns", timezone: null });
    expect(timestampAt(matrix.getChild("ts_us_utc")!, 1)).toEqual({
      epoch: 1704067200123456n,
      unit: "us",
      timezone: "UTC",
    });
    // Why the accessor exists: Arrow's own get() gives float milliseconds for a ns timestamp.
    expect(ns.get(1)).not.toBe(1704067200123456789n);
  });

  it("read dates as days (date32 and date64), times in their unit, decimals as text", () => {
    expect([0, 1, 2, 3, 4].map((i) => dateAt(matrix.getChild("date")!, i))).toEqual([
      0,
      19723,
      null,
      -719162,
      2932896,
    ]);
    const schema = new Schema([
      new Field("d", new DateMillisecond(), true),
      new Field("t", new TimeNanosecond(), true),
    ]);
    const batch = batchFromRows(schema, [{ d: "2024-01-01", t: "23:59:59.999999999" }]);
    expect(dateAt(batch.getChild("d")!, 0)).toBe(19723);
    expect(batch.getChild("d")!.data[0]!.values[0]).toBe(1704067200000n); // stored as ms
    expect(timeAt(batch.getChild("t")!, 0)).toBe(86399999999999n);
    expect(decimalAt(matrix.getChild("decimal_38_10")!, 0)).toBe("9999999999999999999999999999.9999999999");
    expect(decimalAt(matrix.getChild("decimal_9_2")!, 1)).toBe("-0.01");
  });

  it("read across the chunks of a table column", () => {
    const a = batchFromRows("t timestamp[ns, UTC]", [{ t: 1n }, { t: 2n }]);
    const b = batchFromRows("t timestamp[ns, UTC]", [{ t: "2262-04-11T23:47:16.854775807Z" }]);
    const column = new Table([a, b]).getChild("t")!;
    expect(column.data.length).toBe(2);
    expect(valueAt(column, 2)).toBe(2n ** 63n - 1n);
    expect(timestampAt(column, 1)!.epoch).toBe(2n);
  });

  it("refuse a column of another type, with a hint", () => {
    const error = refusal(() => timestampAt(matrix.getChild("date")!, 0));
    expect(error.code).toBe("SCHEMA_MISMATCH");
    expect(error.message).toMatch(/Date32<DAY>|DateDay|is not a timestamp/);
    expect(error.hint).toMatch(/valueAt/);
  });
});

describe("timestampToDate and ISO text", () => {
  it("gives a Date only when it holds the value exactly", () => {
    expect(timestampToDate({ epoch: 1704067200123000n, unit: "us", timezone: "UTC" }).toISOString()).toBe(
      "2024-01-01T00:00:00.123Z",
    );
    expect(timestampToDate({ epoch: -1n, unit: "s", timezone: null }).getTime()).toBe(-1000);
    expect(timestampToDate({ epoch: -1_000_000n, unit: "ns", timezone: null }).getTime()).toBe(-1);
    const fine = refusal(() => timestampToDate({ epoch: 1704067200123456789n, unit: "ns", timezone: null }));
    expect(fine.message).toMatch(/finer than a millisecond/);
    expect(fine.hint).toMatch(/formatIsoTimestamp/);
    expect(refusal(() => timestampToDate({ epoch: 10n ** 16n, unit: "s", timezone: null })).message).toMatch(
      /outside the range of a JS Date/,
    );
  });

  it("formats and parses ISO 8601 exactly, before 1970 and at every unit", () => {
    expect(formatIsoTimestamp(-1n, 3, true)).toBe("1969-12-31T23:59:59.999999999Z");
    expect(formatIsoTimestamp(1704067200123456n, 2, false)).toBe("2024-01-01T00:00:00.123456");
    expect(formatIsoTimestamp(0n, 0, true)).toBe("1970-01-01T00:00:00Z");
    expect(formatIsoDate(-719162)).toBe("0001-01-01");
    expect(parseIsoTimestamp("1969-12-31T23:59:59.999999999Z", 3)).toEqual({
      ok: true,
      value: -1n,
      zoned: true,
    });
    expect(parseIsoTimestamp("2024-01-01T02:00:00+02:00", 0)).toEqual({
      ok: true,
      value: 1704067200n,
      zoned: true,
    });
    expect(parseIsoTimestamp("2024-01-01T00:00:00.5", 0)).toEqual({ ok: false, reason: "precision" });
    expect(parseIsoTimestamp("2024-13-01", 0)).toEqual({ ok: false, reason: "format" });
  });
});
