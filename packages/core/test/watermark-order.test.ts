import { compareCodePoints, toRows, type Watermark, WatermarkTracker } from "@hygge/core";
import { batchOf, int64Vector } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Int32, TimestampMillisecond, Utf8, vectorFromArray } from "apache-arrow";

const strings = (ids: number[], names: string[]) =>
  batchOf({ id: vectorFromArray(ids, new Int32()), name: vectorFromArray(names, new Utf8()) });
const ids = (batches: ReturnType<WatermarkTracker["process"]>) =>
  batches.flatMap((b) => toRows([b]).map((r) => r.id));

/** Reference order: by code point, as PostgreSQL's COLLATE "C" and SQL Server's BIN2 compare. */
const byCodePoint = (a: string, b: string) => {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};
const sign = (n: number) => Math.sign(n);

describe("watermark strings are ordered by code point", () => {
  const emoji = "\u{1F600}"; // U+1F600, a surrogate pair in UTF-16
  const privateUse = "\uE000";
  const replacement = "\uFFFD";

  it("the comparator agrees with code point order where UTF-16 order does not", () => {
    // The old comparator (JavaScript `<`) put the emoji before U+E000 and U+FFFD.
    expect(emoji < privateUse).toBe(true);
    expect(emoji < replacement).toBe(true);
    expect(compareCodePoints(emoji, privateUse)).toBeGreaterThan(0);
    expect(compareCodePoints(emoji, replacement)).toBeGreaterThan(0);
    expect(compareCodePoints(`a${emoji}`, `a${replacement}z`)).toBeGreaterThan(0);
    expect(compareCodePoints(`a${emoji}`, `a${emoji}`)).toBe(0);
    expect(compareCodePoints("\uD7FF", emoji)).toBeLessThan(0);
    const alphabet = [
      "a",
      "z",
      "\u00E9",
      "\uD7FF",
      privateUse,
      "\uF8FF",
      replacement,
      "\uFFFF",
      "\u{10000}",
      emoji,
    ];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const word = () =>
      Array.from({ length: 1 + Math.floor(rand() * 4) }, () => alphabet[Math.floor(rand() * 10)]!).join("");
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = word();
      expect([a, b, sign(compareCodePoints(a, b))]).toEqual([a, b, sign(byCodePoint(a, b))]);
    }
  });

  it("keeps rows above a private-use watermark that the database returned (emoji sort after U+FFFD)", () => {
    const since: Watermark = { column: "name", kind: "string", value: replacement, boundaryKeys: ["[1]"] };
    const t = new WatermarkTracker({ column: "name", primaryKey: ["id"] }, since);
    // What `name COLLATE "C" >= '\uFFFD'` returns: the loaded row, and a row holding an emoji.
    expect(ids(t.process(strings([1, 2], [replacement, emoji])))).toEqual([2]);
    expect(t.result()).toMatchObject({ value: emoji, boundaryKeys: ["[2]"] });
  });

  it("tracks the maximum by code point, so the next run starts from the emoji", () => {
    const t = new WatermarkTracker({ column: "name", primaryKey: ["id"] });
    t.process(strings([1, 2, 3, 4], ["a", emoji, privateUse, replacement]));
    expect(t.result()).toMatchObject({ kind: "string", value: emoji, boundaryKeys: ["[2]"] });
    const next = new WatermarkTracker({ column: "name", primaryKey: ["id"] }, t.result());
    expect(ids(next.process(strings([2, 3, 5], [emoji, privateUse, `${emoji}!`])))).toEqual([5]);
  });
});

describe("watermark time zones", () => {
  const ts = (type: TimestampMillisecond) =>
    batchOf({ id: vectorFromArray([1], new Int32()), ts: int64Vector(type, [5000n]) });
  const committed = (timezone: string | null): Watermark => ({
    column: "ts",
    kind: "timestamp",
    unit: "ms",
    timezone,
    value: "1000",
  });
  const resume = (since: Watermark, type: TimestampMillisecond) =>
    new WatermarkTracker({ column: "ts", primaryKey: ["id"] }, since).process(ts(type));

  it("refuses to resume across timestamp and timestamptz, or a change of time zone", () => {
    expect(() => resume(committed(null), new TimestampMillisecond("UTC"))).toThrow(
      /is now timestamp \(ms, UTC\), but the committed watermark is timestamp \(ms, no time zone\)/,
    );
    expect(() => resume(committed("UTC"), new TimestampMillisecond())).toThrow(
      /is now timestamp \(ms, no time zone\), but the committed watermark is timestamp \(ms, UTC\)/,
    );
    expect(() => resume(committed("UTC"), new TimestampMillisecond("Europe/Paris"))).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", hint: expect.stringContaining("--full-drop") }),
    );
  });

  it("resumes when the time zone is the same", () => {
    expect(ids(resume(committed("UTC"), new TimestampMillisecond("UTC")))).toEqual([1]);
    expect(ids(resume(committed(null), new TimestampMillisecond()))).toEqual([1]);
  });
});
