import { describe, expect, it } from "@jest/globals";
import { type Decimal, type Timestamp, TimeUnit, Type } from "apache-arrow";
import {
  batchFromRows,
  EXTENSION_NAME_KEY,
  exactSchemaDifference,
  type HyggeError,
  inferSchema,
  isHyggeError,
  parseSchema,
  parseTypeName,
  toRows,
  typeNameOf,
} from "../src/index.js";

function refusal(fn: () => unknown): HyggeError {
  try {
    fn();
  } catch (error) {
    if (isHyggeError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("parseTypeName and parseSchema", () => {
  it("parse the config syntax into Arrow types", () => {
    const d = parseTypeName("decimal(18,2)");
    expect(d.type.typeId).toBe(Type.Decimal);
    expect([(d.type as Decimal).precision, (d.type as Decimal).scale, (d.type as Decimal).bitWidth]).toEqual([
      18, 2, 128,
    ]);
    expect(d.metadata.size).toBe(0);
    const ts = parseTypeName("timestamp[us, UTC]").type as Timestamp;
    expect([ts.unit, ts.timezone]).toEqual([TimeUnit.MICROSECOND, "UTC"]);
    expect((parseTypeName("timestamp[ns, Europe/Paris]").type as Timestamp).timezone).toBe("Europe/Paris");
    expect(parseTypeName("uuid").metadata.get(EXTENSION_NAME_KEY)).toBe("arrow.uuid");
    expect(parseTypeName("json").metadata.get(EXTENSION_NAME_KEY)).toBe("arrow.json");
  });

  it("a schema printed with typeNameOf parses back to the same schema", () => {
    const text =
      '"unit price" decimal(9, 2) not null, at timestamp[ms, UTC], tags list<string>, u uuid, d date';
    const schema = parseSchema(text);
    expect(schema.fields.map((f) => [f.name, typeNameOf(f), f.nullable])).toEqual([
      ["unit price", "decimal(9, 2)", false],
      ["at", "timestamp[ms, UTC]", true],
      ["tags", "list<string>", true],
      ["u", "uuid", true],
      ["d", "date", true],
    ]);
    const printed = schema.fields
      .map((f) => `"${f.name}" ${typeNameOf(f)}${f.nullable ? "" : " not null"}`)
      .join(", ");
    expect(exactSchemaDifference(schema, parseSchema(printed))).toBeUndefined();
    expect(exactSchemaDifference(schema, parseSchema(text.replace("not null", "")))).toMatch(/nullable/);
  });

  it("refuses unknown names with CONFIG_INVALID and the list of names as the hint", () => {
    const error = refusal(() => parseTypeName("decimal(80, 2)"));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toMatch(/precision must be 1 to 76/);
    expect(error.hint).toMatch(/decimal\(18, 2\)/);
    expect(refusal(() => parseTypeName("time(ms)")).hint).toBe(
      "write time[ms]: units and zones go in brackets",
    );
  });
});

describe("inferSchema", () => {
  it("infers exact types from JavaScript values, in first-seen key order", () => {
    const rows = [
      { id: 1, price: 1.5, big: 2n ** 62n, name: "a", ok: true, at: new Date(0), raw: new Uint8Array([1]) },
      { id: 2, price: 2, big: 3, tags: [1, 2], meta: { nested: [1, { x: 1 }] }, name: null },
      { id: null, price: null, tags: [], meta: null, matrix: [[1.5], [2]] },
    ];
    const schema = inferSchema(rows);
    expect(schema.fields.map((f) => `${f.name} ${typeNameOf(f)}`)).toEqual([
      "id int64",
      "price float64",
      "big int64",
      "name string",
      "ok bool",
      "at timestamp[ms, UTC]",
      "raw binary",
      "tags list<int64>",
      "meta json",
      "matrix list<list<float64>>",
    ]);
    // What was inferred carries the rows exactly.
    const batch = batchFromRows(schema, rows);
    expect(toRows([batch]).map((r) => [r.id, r.big, r.meta, r.at])).toEqual([
      ["1", "4611686018427387904", null, "0"],
      ["2", "3", '{"nested":[1,{"x":1}]}', null],
      [null, null, null, null],
    ]);
  });

  it.each([
    [[{ a: 1 }, { a: "1" }], /column a mixes integer \(1\) and string \("1"\)/, /declare the column's type/],
    [[{ a: 1.5 }, { a: 2n }], /column a mixes float \(1.5\) and bigint \(2n\)/, /declare/],
    [[{ a: null }, {}], /column a is null or empty in every row/, /declare the columns/],
    [[{ a: [] }], /column a\[\] is null or empty in every row/, /declare the columns/],
    [[{ a: [{ x: 1 }] }], /column a holds arrays of objects/, /json/],
    [[{ a: 2n ** 64n }], /beyond int64/, /uint64 or decimal\(38, 0\)/],
    [[{ a: new Map() }], /has no Arrow type/, /convert it/],
  ])("refuses %j", (rows, message, hint) => {
    const error = refusal(() => inferSchema(rows as Record<string, unknown>[]));
    expect(error.code).toBe("HOME_READ_FAILED");
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(error.subject).toBe("a");
  });
});
