import { describe, expect, it } from "@jest/globals";
import {
  Field,
  Int64,
  type RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  tableFromIPC,
  tableToIPC,
  Utf8,
} from "apache-arrow";
import {
  batchFromRows,
  batchToRows,
  type HyggeError,
  isJsonField,
  isUuidField,
  toRows,
  typeNameOf,
  valueAt,
  vectorFromValues,
} from "../src/index.js";

const SCHEMA =
  "id int64 not null, amount decimal(18, 2), wide decimal(40, 4), at timestamp[us, UTC], local timestamp[ns], " +
  "day date, clock time[ms], ok bool, ratio float64, name string, tiny int8, big uint64";

const ROWS = [
  {
    id: -(2n ** 63n),
    amount: "-9999999999999999.99",
    wide: "123456789012345678901234567890123456.7891",
    at: "2024-01-01T12:00:00.123456+02:00",
    local: "2024-01-01T00:00:00.000000001",
    day: "2024-02-29",
    clock: "23:59:59.999",
    ok: true,
    ratio: 0.1,
    name: "ünïcødé 🚀",
    tiny: -128,
    big: 2n ** 64n - 1n,
  },
  {
    id: "9223372036854775807",
    amount: 12n,
    wide: "-0.0001",
    at: new Date("1969-12-31T23:59:59.999Z"),
    local: 1704067200123456789n,
    day: -719162,
    clock: 1n,
    ok: false,
    ratio: -0,
    name: "",
    tiny: "127",
    big: "18446744073709551615",
  },
  {
    id: 9007199254740991,
    amount: null,
    wide: undefined,
    at: 1n,
    local: null,
    day: new Date(0),
    clock: null,
    ok: null,
    ratio: null,
    name: null,
    tiny: null,
    big: 0,
  },
];

/** The rows as the independent reader (values.ts `toRows`, written for the conformance kit) sees them. */
const EXPECTED = [
  {
    id: "-9223372036854775808",
    amount: "-9999999999999999.99",
    wide: "123456789012345678901234567890123456.7891",
    at: "1704103200123456",
    local: "1704067200000000001",
    day: "19782",
    clock: "86399999",
    ok: true,
    ratio: 0.1,
    name: "ünïcødé 🚀",
    tiny: -128,
    big: "18446744073709551615",
  },
  {
    id: "9223372036854775807",
    amount: "12.00",
    wide: "-0.0001",
    at: "-1000",
    local: "1704067200123456789",
    day: "-719162",
    clock: "1",
    ok: false,
    ratio: -0,
    name: "",
    tiny: 127,
    big: "18446744073709551615",
  },
  {
    id: "9007199254740991",
    amount: null,
    wide: null,
    at: "1",
    local: null,
    day: "0",
    clock: null,
    ok: null,
    ratio: null,
    name: null,
    tiny: null,
    big: "0",
  },
];

function viaIpc(batch: RecordBatch) {
  return tableFromIPC(tableToIPC(new Table([batch]), "stream"));
}

describe("batchFromRows", () => {
  it("builds every value exactly, as an independent reader and an IPC round trip see it", () => {
    const batch = batchFromRows(SCHEMA, ROWS);
    expect(batch.numRows).toBe(3);
    expect(batch.schema.fields.map(typeNameOf)).toEqual([
      "int64",
      "decimal(18, 2)",
      "decimal(40, 4)",
      "timestamp[us, UTC]",
      "timestamp[ns]",
      "date",
      "time[ms]",
      "bool",
      "float64",
      "string",
      "int8",
      "uint64",
    ]);
    expect(batch.schema.fields[0]!.nullable).toBe(false);
    expect(toRows([batch])).toEqual(EXPECTED);
    const table = viaIpc(batch);
    expect(toRows(table)).toEqual(EXPECTED);
    // Arrow's own buffers, read without any hygge code.
    expect(Array.from(table.getChild("id")!.data[0]!.values as BigInt64Array)).toEqual([
      -(2n ** 63n),
      2n ** 63n - 1n,
      9007199254740991n,
    ]);
    expect(table.getChild("big")!.type.typeId).toBe(Type.Int);
    expect(table.getChild("name")!.get(0)).toBe("ünïcødé 🚀");
  });

  it("reads back with batchToRows in the forms it accepts, so a value read is a value written", () => {
    const batch = batchFromRows(SCHEMA, ROWS);
    const rows = batchToRows(batch);
    expect(rows[0]).toEqual({
      id: -(2n ** 63n),
      amount: "-9999999999999999.99",
      wide: "123456789012345678901234567890123456.7891",
      at: 1704103200123456n,
      local: 1704067200000000001n,
      day: 19782,
      clock: 86399999n,
      ok: true,
      ratio: 0.1,
      name: "ünïcødé 🚀",
      tiny: -128,
      big: 2n ** 64n - 1n,
    });
    const again = batchFromRows(batch.schema, rows);
    expect(toRows([again])).toEqual(EXPECTED);
    expect(batchToRows(viaIpc(again).batches[0]!)).toEqual(rows);
  });

  it("takes rows as arrays in column order, and a schema as { column: type }", () => {
    const batch = batchFromRows({ id: "int64 not null", price: "decimal(9,3)" }, [
      [1n, "1.5"],
      [2, null],
    ]);
    expect(toRows([batch])).toEqual([
      { id: "1", price: "1.500" },
      { id: "2", price: null },
    ]);
    expect(batch.schema.fields.map((f) => f.nullable)).toEqual([false, true]);
  });

  it("carries uuid and json columns with their extension, lists and structs", () => {
    const batch = batchFromRows('u uuid, j json, tags list<int64>, "unit price" decimal(5, 1)', [
      {
        u: "123E4567-E89B-12D3-A456-426614174000",
        j: { big: 12345678901234567890n, s: "x" },
        tags: [1n, null, "3"],
        "unit price": "1.5",
      },
      { u: null, j: '{"already":"text"}', tags: [], "unit price": null },
      { u: new Uint8Array(16).fill(255), j: [1, "two", null], tags: null, "unit price": "-9999.9" },
    ]);
    expect(isUuidField(batch.schema.fields[0]!)).toBe(true);
    expect(isJsonField(batch.schema.fields[1]!)).toBe(true);
    const rows = toRows(viaIpc(batch));
    expect(rows.map((r) => r.j)).toEqual([
      '{"big":12345678901234567890,"s":"x"}',
      '{"already":"text"}',
      '[1,"two",null]',
    ]);
    expect(rows.map((r) => r.tags)).toEqual([["1", null, "3"], [], null]);
    expect(rows.map((r) => r["unit price"])).toEqual(["1.5", null, "-9999.9"]);
    expect(Buffer.from(batch.getChild("u")!.get(0) as Uint8Array).toString("hex")).toBe(
      "123e4567e89b12d3a456426614174000",
    );
    expect(batchToRows(batch)[2]!.u).toEqual(new Uint8Array(16).fill(255));
  });

  it("builds a struct column from objects when given an Arrow schema", () => {
    const schema = new Schema([
      new Field("s", new Struct([new Field("n", new Int64(), true), new Field("t", new Utf8(), true)]), true),
    ]);
    const batch = batchFromRows(schema, [{ s: { n: 2n ** 62n, t: "a" } }, { s: null }, { s: { t: null } }]);
    expect(toRows(viaIpc(batch))).toEqual([
      { s: { n: "4611686018427387904", t: "a" } },
      { s: null },
      { s: { n: null, t: null } },
    ]);
    expect(batchToRows(batch)).toEqual([
      { s: { n: 2n ** 62n, t: "a" } },
      { s: null },
      { s: { n: null, t: null } },
    ]);
  });

  it("builds an empty batch with the declared schema", () => {
    const empty = batchFromRows("a int64, b string", []);
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => f.name)).toEqual(["a", "b"]);
    expect(viaIpc(empty).schema.fields.map(typeNameOf)).toEqual(["int64", "string"]);
  });

  it("vectorFromValues builds one exact column, and names it in refusals", () => {
    const v = vectorFromValues("decimal(38, 10)", ["-1234567890123456789.1234567890", null, 7n]);
    expect([0, 1, 2].map((i) => valueAt(v, i))).toEqual([
      "-1234567890123456789.1234567890",
      null,
      "7.0000000000",
    ]);
    const ts = vectorFromValues("timestamp[ns, UTC]", ["2024-01-01T00:00:00.000000001Z"]);
    expect(ts.data[0]!.values[0]).toBe(1704067200000000001n);
    let error: HyggeError | undefined;
    try {
      vectorFromValues("int64", [1, 2 ** 53 + 2], "order_id");
    } catch (e) {
      error = e as HyggeError;
    }
    expect(error?.message).toMatch(/^row 1, column order_id: 9007199254740994 is not exact/);
  });
});
