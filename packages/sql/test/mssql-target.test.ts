import { isHyggeError, uuidField } from "@hygge/core";
import { typeMatrix } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import {
  Decimal,
  Field,
  FixedSizeBinary,
  Float64,
  Int64,
  Schema,
  TimestampMicrosecond,
  TimestampMillisecond,
  Utf8,
} from "apache-arrow";
import { checkTargetColumns } from "../src/mssql/mssql-target.js";
import { mssqlColumnType } from "../src/mssql/mssql-types.js";

const CI_AS = "SQL_Latin1_General_CP1_CI_AS";

/** A sys.columns row for a column declared as `ddl` (what SQL Server reports for it). */
function column(name: string, ddl: string, collation: string | null = null) {
  const m = /^(\w+)(?:\((max|\d+)(?:,(\d+))?\))?$/.exec(ddl.replace(/\s/g, ""))!;
  const type = m[1]!;
  const n = m[2] === "max" ? -1 : m[2] === undefined ? undefined : Number(m[2]);
  const wide = type === "nvarchar" || type === "nchar";
  const text = ["char", "varchar", "nchar", "nvarchar", "binary", "varbinary"].includes(type);
  const timed = ["time", "datetime2", "datetimeoffset"].includes(type);
  return {
    name,
    type,
    maxLength: text ? (n === -1 ? -1 : (n ?? 1) * (wide ? 2 : 1)) : 8,
    precision: type === "decimal" || type === "numeric" ? n! : 0,
    scale: type === "decimal" || type === "numeric" ? Number(m[3] ?? 0) : timed ? (n ?? 7) : 0,
    collation: text && !type.includes("binary") ? (collation ?? CI_AS) : null,
  };
}

function refusal(schema: Schema, rows: ReturnType<typeof column>[]): Error {
  try {
    checkTargetColumns("[dbo].[t]", schema, rows);
  } catch (error) {
    expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
    return error as Error;
  }
  throw new Error("no refusal");
}

describe("SQL Server: appending to an existing table whose columns would change values silently", () => {
  it("accepts every column of a table hygge created from the same schema", () => {
    const schema = typeMatrix().schema;
    const rows = schema.fields.map((f) => column(f.name, mssqlColumnType(f), "Latin1_General_CI_AS"));
    expect(() => checkTargetColumns("[dbo].[t]", schema, rows)).not.toThrow();
  });

  it("refuses varchar outside a UTF-8 collation (characters outside the code page become '?')", () => {
    const schema = new Schema([new Field("name", new Utf8(), true)]);
    const error = refusal(schema, [column("name", "varchar(50)")]);
    expect(error.message).toBe(
      'column "name" of [dbo].[t] is varchar(50) (collation SQL_Latin1_General_CP1_CI_AS), which cannot hold every Utf8 value unchanged (SQL Server would convert them silently); hygge creates such a column as nvarchar(max)',
    );
    expect((error as { hint?: string }).hint).toBe(
      "Alter the column (ALTER TABLE [dbo].[t] ALTER COLUMN [name] nvarchar(max)), or run once with --full-drop to recreate the table from the data's types.",
    );
    expect(() =>
      checkTargetColumns("[t]", schema, [column("name", "varchar(50)", "Latin1_General_100_CI_AS_SC_UTF8")]),
    ).not.toThrow();
    expect(() => checkTargetColumns("[t]", schema, [column("name", "nvarchar(50)")])).not.toThrow();
    refusal(schema, [column("name", "nchar(10)")]); // pads with spaces
  });

  it("refuses decimals with fewer digits after the point, and floats for decimals and int64", () => {
    const schema = new Schema([
      new Field("d", new Decimal(4, 18, 128), true),
      new Field("i", new Int64(), true),
      new Field("f", new Float64(), true),
    ]);
    const ok = [column("d", "decimal(20,6)"), column("i", "numeric(19,0)"), column("f", "float")];
    expect(() => checkTargetColumns("[t]", schema, ok)).not.toThrow();
    expect(refusal(schema, [column("d", "decimal(10,2)")]).message).toMatch(
      /^column "d" of \[dbo\]\.\[t\] is decimal\(10,2\), which cannot hold every Decimal\(18,4\) value unchanged/,
    );
    expect(refusal(schema, [column("d", "float")]).message).toMatch(/is float, which cannot hold/);
    expect(refusal(schema, [column("i", "float")]).message).toMatch(/^column "i" .* is float/);
    expect(refusal(schema, [column("f", "real")]).message).toMatch(/^column "f" .* is real/);
  });

  it("refuses coarser times, datetime, and binary columns for uuids (SQL Server's GUID byte order)", () => {
    const schema = new Schema([
      new Field("us", new TimestampMicrosecond(), true),
      new Field("ms", new TimestampMillisecond("UTC"), true),
      uuidField("u"),
      new Field("fixed", new FixedSizeBinary(4), true),
    ]);
    const ok = [
      column("us", "datetime2(7)"),
      column("ms", "datetimeoffset(3)"),
      column("u", "char(36)"),
      column("fixed", "binary(4)"),
    ];
    expect(() => checkTargetColumns("[t]", schema, ok)).not.toThrow();
    expect(refusal(schema, [column("us", "datetime2(3)")]).message).toMatch(
      /^column "us" .* is datetime2\(3\)/,
    );
    expect(refusal(schema, [column("ms", "datetime")]).message).toMatch(/^column "ms" .* is datetime,/);
    expect(refusal(schema, [column("u", "binary(16)")]).message).toMatch(/^column "u" .* is binary\(16\)/);
    expect(refusal(schema, [column("fixed", "binary(8)")]).message).toMatch(/is binary\(8\)/); // zero padding
  });

  it("finds the column whatever its case (SQL Server matches bulk columns by name case-insensitively)", () => {
    const schema = new Schema([new Field("Amount", new Decimal(4, 18, 128))]);
    const error = refusal(schema, [column("amount", "decimal(10,2)")]);
    expect(error.message).toBe(
      'column "Amount" of [dbo].[t] is decimal(10,2), which cannot hold every Decimal(18,4) value unchanged (SQL Server would convert them silently); hygge creates such a column as decimal(18,4)',
    );
    // An exact match wins over a case-insensitive one (case-sensitive databases may hold both).
    expect(() =>
      checkTargetColumns("[t]", schema, [
        column("amount", "decimal(10,2)"),
        column("Amount", "decimal(18,4)"),
      ]),
    ).not.toThrow();
  });
});
