import { describe, expect, it } from "@jest/globals";
import { Field, Int64, Schema, Struct } from "apache-arrow";
import { batchFromRows, type HyggeError, isHyggeError } from "../src/index.js";

/** The HyggeError `fn` throws (the test fails when it throws nothing or something else). */
function refusal(fn: () => unknown): HyggeError {
  try {
    fn();
  } catch (error) {
    if (isHyggeError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal, got a batch");
}

describe("batchFromRows refuses what it cannot carry exactly", () => {
  it.each([
    [
      "id int64",
      2 ** 53 + 2,
      /row 1, column id: 9007199254740994 is not exact/,
      /bigint or a string of digits/,
    ],
    ["id int64", 1.5, /row 1, column id: 1.5 is not an integer \(int64\)/, /float64/],
    ["id int64", 2n ** 63n, /within int64/, /decimal\(38, 0\)/],
    ["id int64", "12a", /"12a" is not an integer/, /string of digits/],
    ["n int8", 128, /within int8 \(-128 to 127\)/, /wider type/],
    ["n uint32", -1, /within uint32/, /wider type/],
    [
      "d decimal(18, 2)",
      "1.234",
      /"1.234" is not a decimal\(18, 2\): it has more than 2 decimals/,
      /larger scale/,
    ],
    ["d decimal(4, 2)", "100.00", /too many digits/, /larger precision/],
    ["d decimal(18, 2)", 0.1, /0.1 is not exact/, /as a string/],
    ["d decimal(18, 2)", "1e5", /"1e5" is not a decimal/, /digits with an optional sign/],
    ["t timestamp[ms, UTC]", "2024-01-01T00:00:00.0001Z", /at ms precision/, /finer unit/],
    [
      "t timestamp[s, UTC]",
      new Date(1),
      /Date\(1970-01-01T00:00:00.001Z\) is not a timestamp in whole seconds/,
      /timestamp\[ms/,
    ],
    ["t timestamp[us, UTC]", "2024-01-01T00:00:00", /no offset/, /declare timestamp\[us\]/],
    ["t timestamp[us]", "2024-01-01T00:00:00Z", /has an offset/, /timestamp\[us, UTC\]/],
    ["t timestamp[us]", new Date(0), /a Date is an instant/, /ISO string without offset/],
    ["t timestamp[ns, UTC]", 1704067200000, /a number's unit is ambiguous/, /bigint of ns/],
    ["t timestamp[us, UTC]", "yesterday", /"yesterday" is not an ISO 8601 timestamp/, /bigint epoch/],
    ["d date", "2023-02-29", /"2023-02-29" is not a date/, /YYYY-MM-DD/],
    ["d date", new Date("2024-01-01T01:00:00Z"), /not at midnight UTC/, /days since/],
    ["c time[s]", "12:00:00.5", /at s precision/, /finer unit/],
    ["b bool", "true", /"true" is not a boolean/, /true or false/],
    ["s string", 12, /12 is not a string/, /String\(value\)/],
    ["f float64", 1n, /1n is not a number/, /decimal/],
    ["u uuid", "not-a-uuid", /is not a uuid/, /uuid text/],
    ["j json", "{bad", /is not JSON text/, /JSON.stringify/],
    ["j json", { x: Number.NaN }, /NaN or Infinity/, /null or a string/],
    ["f float32", 0.1, /0.1 is not exact as a float32/, /float64/],
    ["d decimal(18, 2)", "", /"" is not a decimal/, /digits/],
    ["s string", "a\uD800", /is not well-formed Unicode/, /at the source/],
    ["t timestamp[ns, UTC]", "2300-01-01T00:00:00Z", /within a 64-bit count of ns/, /coarser unit/],
    ["t timestamp[us]", 2n ** 63n, /within a 64-bit count of us/, /coarser unit/],
    ["d date", 2 ** 31, /within ±5.8 million years/, /source value/],
    ["l list<int64>", [1, 2 ** 60], /column l\[1\]: 1152921504606847000 is not exact/, /bigint/],
  ])("%s ← %p", (schema, value, message, hint) => {
    const column = schema.split(" ")[0]!;
    const error = refusal(() => batchFromRows(schema, [{ [column]: null }, { [column]: value }]));
    expect(error.code).toBe("HOME_READ_FAILED");
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`^row 1, column ${column}`));
    expect(error.hint).toMatch(hint);
    expect(error.subject).toBe(column);
    expect(error.details).toMatchObject({ row: 1, column });
  });

  it("refuses null in a not-null column", () => {
    const error = refusal(() => batchFromRows("id int64 not null", [{ id: 1 }, {}]));
    expect(error.message).toMatch(/row 1, column id: undefined is not a value: the column is not null/);
  });

  it("refuses a key that is not a declared column, rather than dropping it", () => {
    const error = refusal(() => batchFromRows("id int64", [{ id: 1, name: "x" }]));
    expect(error.message).toMatch(/row 0 has a key "name" that is not a declared column/);
    expect(error.hint).toMatch(/columns: id/);
  });

  it("refuses an array row of the wrong length, and a struct field that is not declared", () => {
    expect(refusal(() => batchFromRows("a int64, b string", [[1]])).message).toMatch(
      /1 values for 2 columns/,
    );
    const schema = new Schema([new Field("s", new Struct([new Field("n", new Int64(), true)]), true)]);
    const error = refusal(() => batchFromRows(schema, [{ s: { n: 1n, extra: 2 } }]));
    expect(error.message).toBe("row 0, column s.extra: 2 is not a field of the struct");
  });

  it("numbers rows from `firstRow` for rows cut from a longer stream", () => {
    const error = refusal(() => batchFromRows("id int64", [{ id: 1 }, { id: 0.5 }], { firstRow: 1000 }));
    expect(error.message).toMatch(/^row 1001, column id/);
  });

  it("refuses a malformed schema text with a CONFIG_INVALID naming the column", () => {
    const bad = refusal(() => batchFromRows("id int65", []));
    expect(bad.code).toBe("CONFIG_INVALID");
    expect(bad.message).toMatch(/column id: unknown type "int65"/);
    expect(bad.hint).toMatch(/int64/);
    const parens = refusal(() => batchFromRows("at timestamp(us, UTC)", []));
    expect(parens.hint).toBe("write timestamp[us, UTC]: units and zones go in brackets");
    expect(refusal(() => batchFromRows("id int64, id string", [])).message).toMatch(/declared twice/);
    expect(refusal(() => batchFromRows("justaname", [])).message).toMatch(/is not a column declaration/);
  });
});
