import { describe, expect, it } from "@jest/globals";
import { bytesDate, bytesDecimal, bytesTimestamp } from "../src/parse-bytes.js";
import { parseDate, parseTimestamp } from "../src/parse-values.js";

/** The text parser's answer, or the error it throws. */
function textResult<T>(parse: () => T): T | string {
  try {
    return parse();
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** Within padding, as a tokenizer's buffer holds them (the fast paths must stop at `end`). */
const inBuffer = (text: string) => {
  const b = Buffer.from(`9${text}9`);
  return [b, 1, b.length - 1] as const;
};

const TIMESTAMPS = [
  "2024-01-01 12:00:00",
  "2024-01-01T12:00:00.5",
  "2024-02-29T23:59:59.999999",
  "2023-02-29T00:00:00",
  "0001-01-01 00:00:00",
  "9999-12-31 23:59:59.999999999",
  "1677-09-21 00:12:43.145224192",
  "2262-04-11 23:47:16.854775807",
  "2262-04-11 23:47:16.854775808",
  "2024-01-01 12:00:00Z",
  "2024-01-01 12:00:00+00",
  "2024-01-01 12:00:00.123456+05:30",
  "2024-01-01 12:00:00-0330",
  "2024-01-01 12:00:00-03:3",
  "2024-01-01 12:00:00+",
  "2024-01-01 24:00:00",
  "2024-01-01 12:60:00",
  "2024-01-01 12:00:00.",
  "2024-01-01 12:00:00.0001",
  "2024-01-01 12:00:00.1234567",
  "2024-01-01 12:00:00.000000100",
  "2024-01-01 12:00:00 +01",
  "2024-01-01t12:00:00z",
  "2024-1-01 12:00:00",
  "2024-01-01 12:00",
];

describe("byte fast paths agree with the text parsers", () => {
  it("timestamps, in every unit, with and without zone", () => {
    let fast = 0;
    for (const text of TIMESTAMPS)
      for (const unit of [0, 1, 2, 3])
        for (const zone of [null, "UTC", "Europe/Paris"]) {
          const value = bytesTimestamp(...inBuffer(text), unit, zone !== null, zone === "UTC");
          if (value === undefined) continue;
          fast++;
          expect({ text, unit, zone, value }).toEqual({
            text,
            unit,
            zone,
            value: textResult(() => parseTimestamp(text, unit, zone)),
          });
        }
    expect(fast).toBeGreaterThan(60);
  });

  it("dates and decimals", () => {
    for (const text of ["2024-02-29", "2023-02-29", "0001-01-01", "9999-12-31", "2024-13-01", "2024-1-1"]) {
      const days = bytesDate(...inBuffer(text));
      if (days !== undefined) expect(days).toBe(parseDate(text));
    }
    expect(bytesDate(...inBuffer("2023-02-29"))).toBeUndefined();
    expect(bytesDate(...inBuffer("1970-01-02"))).toBe(1);
    const decimals: [string, number, number | undefined][] = [
      ["-0.01", 2, -1],
      ["+1.", 2, 100],
      [".5", 1, 5],
      ["12", 0, 12],
      ["1.5", 0, undefined],
      ["1.234", 2, undefined],
      ["999999999999999", 0, 999999999999999],
      ["1000000000000000", 0, undefined],
      ["-", 0, undefined],
      [".", 2, undefined],
      ["1e5", 0, undefined],
    ];
    for (const [text, scale, expected] of decimals)
      expect({ text, value: bytesDecimal(...inBuffer(text), scale) }).toEqual({ text, value: expected });
  });
});
