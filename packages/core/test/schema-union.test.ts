import { describe, expect, it } from "@jest/globals";
import {
  Binary,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  LargeUtf8,
  Schema,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampSecond,
  Uint32,
  Uint64,
  Utf8,
} from "apache-arrow";
import { extensionName, jsonField, uuidField } from "../src/arrow/extension.js";
import { typeNameOf } from "../src/arrow/type-names.js";
import { type NamedSchema, unifySchemas } from "../src/arrow/unify.js";
import { isHyggeError } from "../src/errors.js";

const f = (name: string, type: DataType, nullable = true) => new Field(name, type, nullable);
const file = (url: string, ...fields: Field[]): NamedSchema => ({ url, schema: new Schema(fields) });
const shape = (s: Schema | undefined) =>
  s?.fields.map((x) => `${x.name}:${typeNameOf(x)}${x.nullable ? "?" : ""}`).join(", ");
const refusal = (files: NamedSchema[]) => {
  try {
    unifySchemas(files, "@hygge/test");
  } catch (error) {
    if (isHyggeError(error)) return error;
    throw error;
  }
  throw new Error("unifySchemas was expected to refuse");
};

describe("unifySchemas: files read as one table by column name", () => {
  it("no file, no schema; identical files give the first schema itself", () => {
    expect(unifySchemas([])).toBeUndefined();
    const a = file("a", f("id", new Int64(), false), f("name", new Utf8()));
    const b = file("b", f("id", new Int64(), false), f("name", new Utf8()));
    expect(unifySchemas([a, b])).toBe(a.schema);
  });

  it("first file's columns in order, then new columns in order of appearance; missing ones nullable", () => {
    const s = unifySchemas([
      file("a", f("id", new Int64(), false), f("name", new Utf8(), false)),
      file("b", f("extra", new Float64(), false), f("id", new Int64(), false)), // reordered, name missing
      file("c", f("id", new Int64(), false), f("name", new Utf8(), false), f("later", new Int32(), false)),
    ]);
    // id is in every file and never nullable; name is missing from b; extra and later from others.
    expect(shape(s)).toBe("id:int64, name:string?, extra:float64?, later:int32?");
  });

  it("a column nullable in any file is nullable", () => {
    const s = unifySchemas([file("a", f("id", new Int32(), false)), file("b", f("id", new Int32(), true))]);
    expect(shape(s)).toBe("id:int32?");
  });

  it.each([
    ["int16 → int32 → int64", [new Int16(), new Int64(), new Int32()], "int64"],
    ["uint32 → int64", [new Uint32(), new Int64()], "int64"],
    ["float32 → float64", [new Float64(), new Float32()], "float64"],
    ["decimal to more integer digits and scale", [new Decimal(2, 10), new Decimal(4, 14)], "decimal(14, 4)"],
    ["int32 → decimal(12, 2)", [new Int32(), new Decimal(2, 12)], "decimal(12, 2)"],
    [
      "timestamp[s] → [ms] → [us]",
      [new TimestampSecond(), new TimestampMicrosecond(), new TimestampMillisecond()],
      "timestamp[us]",
    ],
    [
      "zoned timestamp[ms] → [us] in the same zone",
      [new TimestampMillisecond("UTC"), new TimestampMicrosecond("UTC")],
      "timestamp[us, UTC]",
    ],
    ["utf8 → large_utf8", [new Utf8(), new LargeUtf8()], "string"],
  ])("widens %s", (_label, types: DataType[], expected) => {
    const s = unifySchemas(types.map((t, i) => file(`f${i}`, f("x", t))));
    expect(typeNameOf(s!.fields[0]!)).toBe(expected);
    if (expected === "string") expect(s!.fields[0]!.type).toBeInstanceOf(LargeUtf8);
  });

  it("keeps the uuid and json extensions of fields", () => {
    const s = unifySchemas([
      file("a", uuidField("u"), jsonField("j")),
      file("b", f("n", new Int32()), uuidField("u"), jsonField("j")),
    ]);
    expect(s!.fields.map((x) => extensionName(x))).toEqual(["arrow.uuid", "arrow.json", undefined]);
  });

  it.each([
    [
      "string vs int64",
      new Int64(),
      new Utf8(),
      'column "x" is string in /d/b.parquet but int64 in /d/a.parquet',
    ],
    ["int64 vs float64 (not exact)", new Int64(), new Float64(), "float64 in /d/b.parquet but int64"],
    ["int32 vs uint32 (narrower both ways)", new Int32(), new Uint32(), "uint32 in /d/b.parquet but int32"],
    ["uint64 vs int64", new Int64(), new Uint64(), "uint64 in /d/b.parquet but int64"],
    [
      "decimal(10, 2) vs decimal(12, 0)",
      new Decimal(2, 10),
      new Decimal(0, 12),
      "decimal(12, 0) in /d/b.parquet but decimal(10, 2)",
    ],
    [
      "int64 into decimal(18, 0)",
      new Int64(),
      new Decimal(0, 18),
      "decimal(18, 0) in /d/b.parquet but int64",
    ],
    [
      "date32 vs date64",
      new DateDay(),
      new DateMillisecond(),
      "date (Date64<MILLISECOND>) in /d/b.parquet but date (Date32<DAY>)",
    ],
    [
      "time vs timestamp",
      new TimestampMicrosecond(),
      new TimeMicrosecond(),
      "time[us] in /d/b.parquet but timestamp[us]",
    ],
    ["binary vs string", new Utf8(), new Binary(), "binary in /d/b.parquet but string"],
  ])("refuses %s, naming both files, the column and both types", (_label, a, b, text) => {
    const error = refusal([
      file("/d/a.parquet", f("id", new Int32()), f("x", a)),
      file("/d/b.parquet", f("x", b)),
    ]);
    expect(error.code).toBe("SCHEMA_MISMATCH");
    expect(error.message).toContain(text);
    expect(error.message).toContain("neither type holds every value of the other");
    expect(error.subject).toBe("/d/b.parquet");
    expect(error.plugin).toBe("@hygge/test");
    expect(error.hint).toContain("move the odd file elsewhere");
  });

  it("refuses a zoned timestamp against a wall-clock one, and says why", () => {
    const error = refusal([
      file("/d/a.parquet", f("at", new TimestampMicrosecond("UTC"))),
      file("/d/b.parquet", f("at", new TimestampMicrosecond())),
    ]);
    expect(error.message).toBe(
      'column "at" is timestamp[us] in /d/b.parquet but timestamp[us, UTC] in /d/a.parquet, and neither type holds every value of the other (a timestamp with a zone is an instant, one without is a wall-clock time)',
    );
  });

  it("names the file that widened the column, not the first one, when a later file conflicts", () => {
    const error = refusal([
      file("/d/a.parquet", f("x", new Int32())),
      file("/d/b.parquet", f("x", new Int64())),
      file("/d/c.parquet", f("x", new Utf8())),
    ]);
    expect(error.message).toContain('column "x" is string in /d/c.parquet but int64 in /d/b.parquet');
  });

  it("refuses a uuid against plain 16-byte binary and a json column against a string", () => {
    expect(refusal([file("/a", uuidField("u")), file("/b", f("u", uuidField("u").type))]).message).toContain(
      'column "u" is FixedSizeBinary[16] in /b but uuid in /a',
    );
    expect(refusal([file("/a", jsonField("j")), file("/b", f("j", new Utf8()))]).message).toContain(
      'column "j" is string in /b but json in /a',
    );
  });

  it("names every conflicting column of the odd file at once, and not the columns it only adds", () => {
    const error = refusal([
      file("/d/a.parquet", f("id", new Int64()), f("x", new Int32())),
      file("/d/b.parquet", f("id", new Utf8()), f("extra", new Int32()), f("x", new Float64())),
    ]);
    expect(error.message).toBe(
      'column "id" is string in /d/b.parquet but int64 in /d/a.parquet, and neither type holds every value of the other; ' +
        'column "x" is float64 in /d/b.parquet but int32 in /d/a.parquet, and neither type holds every value of the other',
    );
  });

  it("refuses a file with two columns of one name when files differ", () => {
    const error = refusal([
      file("/a", f("x", new Int32())),
      file("/b", f("x", new Int32()), f("x", new Int64())),
    ]);
    expect(error.message).toBe('/b has two columns named "x"');
  });
});
