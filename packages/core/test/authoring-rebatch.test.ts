import { describe, expect, it } from "@jest/globals";
import { type RecordBatch, vectorFromArray } from "apache-arrow";
import {
  batchesFromRows,
  batchFromRows,
  exactSchemaDifference,
  type HyggeError,
  isHyggeError,
  rebatch,
  toRows,
} from "../src/index.js";
import { batchOf, typeMatrix } from "../src/testing/index.js";

async function collect(source: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const batch of source) out.push(batch);
  return out;
}

async function refusal(fn: () => Promise<unknown>): Promise<HyggeError> {
  try {
    await fn();
  } catch (error) {
    if (isHyggeError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("rebatch", () => {
  it("slices large batches and joins small ones into batch_size rows, every value exact", async () => {
    const matrix = typeMatrix(); // 5 rows of every type: int64 extremes, ns timestamps, decimals, lists, structs, uuid, json
    const input = [matrix, matrix.slice(1, 4), matrix.slice(0, 0), matrix, matrix.slice(4, 5)];
    const out = await collect(rebatch(input, 4));
    expect(out.map((b) => b.numRows)).toEqual([4, 4, 4, 2]);
    expect(toRows(out)).toEqual(toRows(input));
    for (const batch of out) expect(exactSchemaDifference(matrix.schema, batch.schema)).toBeUndefined();
  });

  it("yields slices of a large batch without copying them", async () => {
    const big = batchFromRows(
      "id int64",
      Array.from({ length: 250 }, (_, i) => ({ id: BigInt(i) })),
    );
    const out = await collect(rebatch([big], 100));
    expect(out.map((b) => b.numRows)).toEqual([100, 100, 50]);
    const buffer = (big.getChildAt(0)!.data[0]!.values as BigInt64Array).buffer;
    for (const b of out) expect((b.getChildAt(0)!.data[0]!.values as BigInt64Array).buffer).toBe(buffer);
    expect(toRows(out).map((r) => r.id)).toEqual(Array.from({ length: 250 }, (_, i) => String(i)));
  });

  it("never joins batches of different schemas, and keeps their order", async () => {
    const a = batchFromRows("id int64", [{ id: 1 }, { id: 2 }]);
    const b = batchFromRows("id string", [{ id: "x" }]);
    const out = await collect(rebatch([a, b, a], 10));
    expect(out.map((x) => [x.numRows, String(x.schema.fields[0]!.type)])).toEqual([
      [2, "Int64"],
      [1, "Utf8"],
      [2, "Int64"],
    ]);
  });

  it("with merge: false, or for types it cannot join, passes small batches as they are", async () => {
    const small = batchFromRows("id int64", [{ id: 1 }]);
    expect(
      (await collect(rebatch([small, small, small], 2, { merge: false }))).map((b) => b.numRows),
    ).toEqual([1, 1, 1]);
    const dict = batchOf({ tag: vectorFromArray(["a", "b", "a"]) }); // a dictionary column
    const out = await collect(rebatch([dict, dict], 2));
    expect(out.map((b) => b.numRows)).toEqual([2, 1, 2, 1]);
    expect(toRows(out).map((r) => r.tag)).toEqual(["a", "b", "a", "a", "b", "a"]);
  });

  it("reads async sources, and refuses a batch size that is not a positive integer", async () => {
    async function* source() {
      yield batchFromRows("n int32", [{ n: 1 }]);
      yield batchFromRows("n int32", [{ n: 2 }, { n: 3 }]);
    }
    expect(toRows(await collect(rebatch(source(), 5)))).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const empty = batchFromRows("n int32", []);
    expect(await collect(rebatch([empty, empty], 5))).toEqual([empty]);
    expect(await collect(rebatch([], 5))).toEqual([]);
    const error = await refusal(() => collect(rebatch([], 0)));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.hint).toMatch(/batch_size/);
  });
});

describe("batchesFromRows", () => {
  it("cuts a stream of rows into batches of batch_size, numbering rows across batches in errors", async () => {
    async function* rows() {
      for (let i = 0; i < 5; i++) yield { id: BigInt(i) * 10n ** 15n, at: `2024-01-0${i + 1}T00:00:00Z` };
    }
    const out = await collect(batchesFromRows("id int64, at timestamp[s, UTC]", rows(), 2));
    expect(out.map((b) => b.numRows)).toEqual([2, 2, 1]);
    expect(toRows(out).map((r) => [r.id, r.at])).toEqual([
      ["0", "1704067200"],
      ["1000000000000000", "1704153600"],
      ["2000000000000000", "1704240000"],
      ["3000000000000000", "1704326400"],
      ["4000000000000000", "1704412800"],
    ]);
    const error = await refusal(() =>
      collect(batchesFromRows("id int64", [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 2 ** 54 + 1 }], 2)),
    );
    expect(error.message).toMatch(/^row 3, column id: 18014398509481984 is not exact/);
    const none = await collect(batchesFromRows("id int64", [], 2));
    expect(none.map((b) => [b.numRows, b.schema.fields[0]!.name])).toEqual([[0, "id"]]);
  });
});
