import { batchOf, typeMatrix } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Dictionary, Int32, type RecordBatch, Utf8, vectorFromArray } from "apache-arrow";
import { bulkTable } from "../src/mssql/mssql-bulk.js";
import { bulkBytes, decodeBulk, mssql } from "./mssql-tds.js";

/** The decoded rows SQL Server would receive for `batch`. */
async function rows(batch: RecordBatch) {
  const { bytes } = await bulkBytes(bulkTable(mssql, "[dbo].[t]", batch.schema, batch));
  return decodeBulk(bytes).rows;
}

describe("SQL Server bulk load: sliced batches (the watermark filter slices) send their own rows", () => {
  it("sends the rows of a slice, for every type-matrix column, as the same rows of the whole batch", async () => {
    const matrix = typeMatrix(["ts_ns"]);
    const whole = await rows(matrix);
    expect(whole.length).toBeGreaterThan(2);
    for (const start of [1, whole.length - 1]) {
      expect(await rows(matrix.slice(start, whole.length))).toEqual(whole.slice(start));
    }
    expect(await rows(matrix.slice(1, 2))).toEqual(whole.slice(1, 2));
  });

  it("sends a sliced dictionary column's own values", async () => {
    const batch = batchOf({
      d: vectorFromArray(["x", null, "y", "x"], new Dictionary(new Utf8(), new Int32())),
    });
    expect(await rows(batch.slice(1, 4))).toEqual([[null], ["y"], ["x"]]);
  });
});
