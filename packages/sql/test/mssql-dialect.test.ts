import { jsonField, uuidField } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import {
  Bool,
  Decimal,
  Field,
  Float64,
  Int8,
  Int64,
  List,
  Schema,
  TimestampMicrosecond,
  TimestampNanosecond,
  Uint64,
  Utf8,
} from "apache-arrow";
import { mssqlQuote, mssqlSql, mssqlWatermarkParam } from "../src/mssql/mssql-sql.js";
import { fromTedious, mssqlReadPlan } from "../src/mssql/mssql-types.js";

const schema = new Schema([
  new Field("id", new Int64(), false),
  new Field("name]x", new Utf8(), true),
  new Field("amount", new Decimal(2, 18, 128), true),
  new Field("at", new TimestampMicrosecond("UTC"), true),
  new Field("local", new TimestampNanosecond(), true),
  new Field("ok", new Bool(), true),
  new Field("tiny", new Int8(), true),
  new Field("u64", new Uint64(), true),
  new Field("f", new Float64(), true),
  new Field("tags", new List(new Field("item", new Utf8())), true),
]);

describe("SQL Server SQL generation", () => {
  it("quotes identifiers with brackets and doubles closing brackets", () => {
    expect(mssqlQuote("a]; DROP TABLE x; --")).toBe("[a]]; DROP TABLE x; --]");
    expect(mssqlSql.table({ schema: "sa]les", name: "or[ders" })).toBe("[sa]]les].[or[ders]");
    expect(() => mssqlQuote("x".repeat(129))).toThrow(/1–128/);
  });

  it("creates tables from the Arrow schema with exact types and a NOT NULL primary key", () => {
    expect(mssqlSql.createTable({ schema: "dbo", name: "t" }, schema, ["id"])).toBe(
      "CREATE TABLE [dbo].[t] ([id] bigint NOT NULL, [name]]x] nvarchar(max) NULL, [amount] decimal(18,2) NULL, [at] datetimeoffset(6) NULL, [local] datetime2(7) NULL, [ok] bit NULL, [tiny] smallint NULL, [u64] decimal(20,0) NULL, [f] float NULL, [tags] nvarchar(max) NULL, PRIMARY KEY ([id]))",
    );
  });

  it("maps arrow.uuid to uniqueidentifier and arrow.json to nvarchar(max)", () => {
    const ext = new Schema([uuidField("u"), jsonField("j")]);
    expect(mssqlSql.createTable({ name: "t" }, ext)).toBe(
      "CREATE TABLE [t] ([u] uniqueidentifier NULL, [j] nvarchar(max) NULL)",
    );
  });

  it("swaps staging in with DROP + sp_rename, the names bound as parameters", () => {
    expect(mssqlSql.swap({ schema: "dbo", name: "stg" }, { schema: "dbo", name: "t'x" }, true)).toEqual([
      "DROP TABLE [dbo].[t'x]",
      { text: "EXEC sp_rename @p1, @p2, 'OBJECT'", params: ["[dbo].[stg]", "t'x"] },
    ]);
    expect(mssqlSql.swap({ name: "stg" }, { name: "t" }, false)).toHaveLength(1);
  });

  it("merges on the key with one MERGE statement", () => {
    expect(mssqlSql.merge({ name: "stg" }, { schema: "dbo", name: "t" }, ["id", "v"], ["id"])).toEqual([
      "MERGE INTO [dbo].[t] WITH (HOLDLOCK) AS t USING [stg] AS s ON (t.[id] = s.[id]) WHEN MATCHED THEN UPDATE SET t.[v] = s.[v] WHEN NOT MATCHED BY TARGET THEN INSERT ([id], [v]) VALUES (s.[id], s.[v]);",
    ]);
  });

  it("filters incremental reads with a bound parameter, never the value in the SQL", () => {
    const since = {
      column: "updated]at",
      kind: "timestamp" as const,
      value: "1704067200123456",
      unit: "us" as const,
      timezone: "UTC",
    };
    const statement = mssqlSql.select({ table: { schema: "s", name: "t" } }, ["id", "updated]at"], since);
    expect(statement.text).toBe("SELECT [id], [updated]]at] FROM [s].[t] WHERE [updated]]at] >= @p1");
    expect(statement.params).toEqual(["2024-01-01T00:00:00.123456+00:00"]);
    const evil = mssqlSql.select({ query: "SELECT * FROM x" }, undefined, {
      column: "k",
      kind: "string",
      value: "'; DROP TABLE x; --",
    });
    expect(evil.text).not.toContain("DROP");
    expect(evil.params).toEqual(["'; DROP TABLE x; --"]);
    expect(mssqlWatermarkParam({ column: "d", kind: "date", value: "19723" })).toBe("2024-01-01");
  });

  it("keeps the state table and its upsert keyed by flow and entity", () => {
    expect(mssqlSql.createStateTable({ schema: "o'k", name: "hygge_state" })).toContain(
      "IF OBJECT_ID(N'[o''k].[hygge_state]', 'U') IS NULL",
    );
    const upsert = mssqlSql.upsertState(
      { name: "hygge_state" },
      {
        runId: "r1",
        runType: "incremental",
        flow: "f",
        entity: "e",
        committedAt: "2024-01-01T00:00:00.000Z",
        watermark: { column: "id", kind: "integer", value: "9" },
      },
      "dbo.orders",
    );
    expect(upsert.text).toMatch(/^MERGE INTO \[hygge_state\]/);
    expect(upsert.params.slice(0, 4)).toEqual(["f", "e", "r1", "incremental"]);
    expect(upsert.params[6]).toBe("dbo.orders");
    expect(mssqlSql.migrateStateTable({ schema: "dbo", name: "hygge_state" })).toBe(
      "IF COL_LENGTH(N'[dbo].[hygge_state]', 'target') IS NULL ALTER TABLE [dbo].[hygge_state] ADD target nvarchar(400) NULL; IF COL_LENGTH(N'[dbo].[hygge_state]', 'schema') IS NULL ALTER TABLE [dbo].[hygge_state] ADD [schema] nvarchar(max) NULL",
    );
    expect(JSON.parse(String(upsert.params[5]))).toEqual({ column: "id", kind: "integer", value: "9" });
    expect(mssqlSql.listStaging("dbo", "hygge_stg_abc_").params).toEqual(["dbo", "hygge_stg_abc_"]);
  });
});

describe("SQL Server types from tedious column metadata", () => {
  const arrow = (meta: Parameters<typeof fromTedious>[0]) =>
    String(mssqlReadPlan(fromTedious(meta)).builder(4).type);
  it("resolves nullable N types by their length and keeps precision, scale and zone", () => {
    expect(arrow({ colName: "a", type: { name: "IntN" }, dataLength: 8 })).toBe("Int64");
    expect(arrow({ colName: "a", type: { name: "IntN" }, dataLength: 4 })).toBe("Int32");
    expect(arrow({ colName: "a", type: { name: "IntN" }, dataLength: 2 })).toBe("Int16");
    expect(arrow({ colName: "a", type: { name: "IntN" }, dataLength: 1 })).toBe("Uint8");
    expect(arrow({ colName: "a", type: { name: "BitN" }, dataLength: 1 })).toBe("Bool");
    expect(arrow({ colName: "a", type: { name: "FloatN" }, dataLength: 4 })).toBe("Float32");
    expect(arrow({ colName: "a", type: { name: "FloatN" }, dataLength: 8 })).toBe("Float64");
    expect(arrow({ colName: "a", type: { name: "DecimalN" }, precision: 38, scale: 10 })).toBe(
      "Decimal[38e+10]",
    );
    expect(arrow({ colName: "a", type: { name: "MoneyN" }, dataLength: 8 })).toBe("Decimal[19e+4]");
    expect(arrow({ colName: "a", type: { name: "MoneyN" }, dataLength: 4 })).toBe("Decimal[10e+4]");
    expect(arrow({ colName: "a", type: { name: "DateTime2" }, scale: 7 })).toBe("Timestamp<NANOSECOND>");
    expect(arrow({ colName: "a", type: { name: "DateTime2" }, scale: 3 })).toBe("Timestamp<MILLISECOND>");
    expect(arrow({ colName: "a", type: { name: "DateTimeOffset" }, scale: 6 })).toBe(
      "Timestamp<MICROSECOND, UTC>",
    );
    expect(arrow({ colName: "a", type: { name: "DateTimeN" }, dataLength: 8 })).toBe(
      "Timestamp<MILLISECOND>",
    );
    expect(arrow({ colName: "a", type: { name: "DateTimeN" }, dataLength: 4 })).toBe("Timestamp<SECOND>");
    expect(arrow({ colName: "a", type: { name: "Date" } })).toBe("Date32<DAY>");
    expect(arrow({ colName: "a", type: { name: "Time" }, scale: 7 })).toBe("Time64<NANOSECOND>");
    expect(arrow({ colName: "a", type: { name: "UniqueIdentifier" } })).toBe("FixedSizeBinary[16]");
    expect(arrow({ colName: "a", type: { name: "NVarChar" } })).toBe("Utf8");
    expect(arrow({ colName: "a", type: { name: "Xml" } })).toBe("Utf8");
    expect(arrow({ colName: "a", type: { name: "VarBinary" } })).toBe("Binary");
  });

  it("reads decimals, bigints and timestamps as exact text, never through a float", () => {
    const plan = (name: string, extra = {}) =>
      mssqlReadPlan(fromTedious({ colName: "c", type: { name }, ...extra }));
    expect(plan("DecimalN", { precision: 38, scale: 10 }).expression("[c]")).toBe(
      "CONVERT(varchar(50), [c])",
    );
    expect(plan("IntN", { dataLength: 8 }).expression("[c]")).toBe("CONVERT(varchar(20), [c])");
    expect(plan("MoneyN", { dataLength: 8 }).expression("[c]")).toBe("CONVERT(varchar(50), [c], 2)");
    expect(plan("DateTime2", { scale: 7 }).expression("[c]")).toBe("CONVERT(varchar(33), [c], 126)");
    const b = plan("DecimalN", { precision: 38, scale: 10 }).builder(2);
    b.push("-1234567890123456789012345678.0123456789");
    b.push(null);
    const data = b.finish();
    expect(data.length).toBe(2);
    expect(data.nullCount).toBe(1);
    const ts = plan("DateTime2", { scale: 7 }).builder(1);
    ts.push("2024-01-01T00:00:00.1234567");
    expect((ts.finish().values as BigInt64Array)[0]).toBe(1704067200123456700n);
  });

  it("reads uniqueidentifier as arrow.uuid: the canonical text's 16 bytes in RFC 4122 order", () => {
    const plan = mssqlReadPlan({ name: "u", type: "uniqueidentifier" });
    expect(plan.expression("[u]")).toBe("CONVERT(char(36), [u])");
    expect(plan.metadata?.get("ARROW:extension:name")).toBe("arrow.uuid");
    const b = plan.builder(1);
    b.push("123E4567-E89B-12D3-A456-426614174000");
    b.push(null);
    const data = b.finish();
    expect(Buffer.from(data.values as Uint8Array).toString("hex")).toBe(
      `123e4567e89b12d3a456426614174000${"00".repeat(16)}`,
    );
    expect(data.nullCount).toBe(1);
  });

  it("names the column and type it cannot read", () => {
    expect(() => mssqlReadPlan(fromTedious({ colName: "shape", type: { name: "UDT" } }))).toThrow(
      'column "shape" has SQL Server type udt, which hygge cannot read',
    );
  });
});
