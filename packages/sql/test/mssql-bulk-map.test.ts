import { batchOf } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import {
  Decimal,
  Field,
  Float64,
  Map_,
  makeData,
  makeVector,
  Struct,
  TimestampNanosecond,
  Utf8,
} from "apache-arrow";
import { bulkTable } from "../src/mssql/mssql-bulk.js";
import { bulkBytes, decodeBulk, mssql } from "./mssql-tds.js";

const keys = makeData({
  type: new Utf8(),
  length: 3,
  valueOffsets: new Int32Array([0, 1, 2, 3]),
  data: new Uint8Array([97, 98, 99]),
});

/** A Map<Utf8, value> column of two rows: {a, b} and {c}. */
function mapVector(values: ReturnType<typeof makeData>) {
  const entries = new Struct([new Field("key", new Utf8(), false), new Field("value", values.type, true)]);
  return makeVector(
    makeData({
      type: new Map_(new Field("entries", entries, false)),
      length: 2,
      valueOffsets: new Int32Array([0, 2, 3]),
      child: makeData({ type: entries, length: 3, children: [keys, values] }),
    }),
  );
}

async function sent(vector: ReturnType<typeof mapVector>) {
  const batch = batchOf({ m: vector });
  const { bytes } = await bulkBytes(bulkTable(mssql, "[dbo].[t]", batch.schema, batch));
  return decodeBulk(bytes).rows.map((r) => JSON.parse(r[0] as string));
}

describe("SQL Server bulk load: Map columns as exact JSON text", () => {
  it("keeps nanosecond timestamps, decimals and NaN in map values", async () => {
    const ns = makeData({
      type: new TimestampNanosecond(),
      length: 3,
      data: new BigInt64Array([1704067200123456789n, -1n, 9223372036854775807n]),
    });
    expect(await sent(mapVector(ns))).toEqual([
      { a: "1704067200123456789", b: "-1" },
      { c: "9223372036854775807" },
    ]);
    const decimals = makeData({
      type: new Decimal(4, 38, 128),
      length: 3,
      data: new Uint32Array([1, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 123456, 0, 0, 0]),
    });
    expect(await sent(mapVector(decimals))).toEqual([{ a: "0.0001", b: "-0.0001" }, { c: "12.3456" }]);
    const floats = makeData({
      type: new Float64(),
      length: 3,
      data: new Float64Array([Number.NaN, 0.1, 1e300]),
    });
    expect(await sent(mapVector(floats))).toEqual([{ a: "NaN", b: 0.1 }, { c: 1e300 }]);
  });
});
