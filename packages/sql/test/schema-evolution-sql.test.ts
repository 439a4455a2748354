import { fieldFromTypeName, type RecordedColumn, recordedColumnsOf, type SchemaEvolution } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { Field, Null, Schema } from "apache-arrow";
import type { DeclaredColumn } from "../src/dialect.js";
import { evolutionSteps } from "../src/evolve-table.js";
import { mssqlSql } from "../src/mssql/mssql-sql.js";
import { postgresSql } from "../src/postgres/postgres-sql.js";

const evolution = (change: Partial<SchemaEvolution["change"]>): SchemaEvolution => ({
  policy: "sync_all_columns",
  published: [],
  target: [],
  change: { added: [], widened: [], dropped: [], kept: [], ignored: [], ...change },
});
const col = (name: string, type: string): RecordedColumn => ({ name, type });
/** The table's columns as the home reads them (what evolve compares a widening with). */
const readAs = (columns: [string, string][]) => new Schema(columns.map(([n, t]) => fieldFromTypeName(n, t)));
const noRead = new Schema([]);
const pgRead = readAs([
  ["id", "int64"],
  ["n", "int32"],
  ["price", "decimal(10, 2)"],
  ["ratio", "float32"],
  ["at", "timestamp[ms]"],
  ["old", "string"],
  ["strict", "string"],
  ["loose", "string"],
]);
const msRead = readAs([
  ["id", "int64"],
  ["n", "int32"],
  ["k", "int32"],
  ["price", "decimal(10, 2)"],
  ["ratio", "float32"],
  ["at", "timestamp[ms]"],
  ["old", "string"],
  ["strict", "string"],
  ["count", "int32"],
]);

describe("schema evolution DDL (pure)", () => {
  const pgColumns: DeclaredColumn[] = [
    { name: "id", type: "bigint", nullable: false },
    { name: "n", type: "integer", nullable: true },
    { name: "price", type: "numeric(10,2)", nullable: true },
    { name: "ratio", type: "real", nullable: true },
    { name: "at", type: "timestamp(3) without time zone", nullable: true },
    { name: "old", type: "text", nullable: true },
    { name: "strict", type: "text", nullable: false },
    { name: "loose", type: "text", nullable: true },
  ];
  const change = {
    added: [col("note", "string"), col("Amount", "decimal(18, 4)")],
    widened: [
      { name: "n", from: "int32", to: "int64" },
      { name: "price", from: "decimal(10, 2)", to: "decimal(14, 2)" },
      { name: "ratio", from: "float32", to: "float64" },
      { name: "at", from: "timestamp[ms]", to: "timestamp[us]" },
    ],
    dropped: [col("old", "string")],
    kept: [col("strict", "string"), col("loose", "string")],
  };

  it("PostgreSQL: ADD COLUMN, ALTER COLUMN … TYPE only when the SQL type changes, DROP COLUMN, DROP NOT NULL", () => {
    const steps = evolutionSteps(
      postgresSql,
      { schema: "s", name: "t" },
      evolution(change),
      pgColumns,
      false,
      pgRead,
    );
    expect(steps.map((s) => s.statement)).toEqual([
      'ALTER TABLE "s"."t" ADD COLUMN "note" text',
      'ALTER TABLE "s"."t" ADD COLUMN "Amount" numeric(18,4)',
      'ALTER TABLE "s"."t" ALTER COLUMN "n" TYPE bigint',
      'ALTER TABLE "s"."t" ALTER COLUMN "price" TYPE numeric(14,2)',
      'ALTER TABLE "s"."t" ALTER COLUMN "ratio" TYPE double precision',
      // timestamp[ms] → timestamp[us]: timestamp(3) → timestamp(6) is a real change in PostgreSQL.
      'ALTER TABLE "s"."t" ALTER COLUMN "at" TYPE timestamp',
      'ALTER TABLE "s"."t" DROP COLUMN "old"',
      'ALTER TABLE "s"."t" ALTER COLUMN "strict" DROP NOT NULL',
    ]);
    expect(steps.map((s) => s.column)).toEqual([
      "note",
      "Amount",
      "n",
      "price",
      "ratio",
      "at",
      "old",
      "strict",
    ]);
    expect(steps[2]!.action).toBe('changing column "n" from integer to bigint in');
  });

  it("skips a widening whose SQL type text does not change (string → large string is text either way)", () => {
    const steps = evolutionSteps(
      postgresSql,
      { name: "t" },
      evolution({ widened: [{ name: "old", from: "string", to: "string" }] }),
      pgColumns,
      false,
      pgRead,
    );
    expect(steps).toEqual([]);
  });

  it("leaves alone what is already as wanted: added by hand, dropped by hand, already nullable", () => {
    const steps = evolutionSteps(
      postgresSql,
      { name: "t" },
      evolution({
        added: [col("n", "int32")],
        dropped: [col("gone", "int32")],
        kept: [col("loose", "string")],
      }),
      pgColumns,
      false,
      pgRead,
    );
    expect(steps).toEqual([]);
  });

  it("quotes identifiers in the DDL", () => {
    const [step] = evolutionSteps(
      postgresSql,
      { name: 'a"b' },
      evolution({ added: [col('x"; DROP TABLE t; --', "int64")] }),
      [],
      false,
      noRead,
    );
    expect(step!.statement).toBe('ALTER TABLE "a""b" ADD COLUMN "x""; DROP TABLE t; --" bigint');
    const [ms] = evolutionSteps(
      mssqlSql,
      { name: "a]b" },
      evolution({ added: [col("x]; DROP TABLE t; --", "int64")] }),
      [],
      true,
      noRead,
    );
    expect(ms!.statement).toBe("ALTER TABLE [a]]b] ADD [x]]; DROP TABLE t; --] bigint NULL");
  });

  it("an added column of a type hygge cannot name is refused naming the table and the column", () => {
    expect(() =>
      evolutionSteps(
        postgresSql,
        { name: "t" },
        evolution({ added: [col("x", "geometry")] }),
        [],
        false,
        noRead,
      ),
    ).toThrow('column "x" of t has type geometry, which hygge cannot turn into a column type');
  });

  const msColumns: DeclaredColumn[] = [
    { name: "id", type: "bigint", nullable: false },
    { name: "n", type: "int", nullable: true },
    { name: "k", type: "int", nullable: false },
    { name: "price", type: "decimal(10,2)", nullable: true },
    { name: "ratio", type: "real", nullable: true },
    { name: "at", type: "datetime2(3)", nullable: true },
    { name: "old", type: "nvarchar(max)", nullable: true, collation: "Latin1_General_100_CI_AS_SC_UTF8" },
    {
      name: "strict",
      type: "nvarchar(50)",
      nullable: false,
      collation: "SQL_Latin1_General_CP1_CI_AS",
    },
    { name: "count", type: "int", nullable: false },
  ];

  it("SQL Server: ADD … NULL, ALTER COLUMN restating nullability, DROP COLUMN, ALTER COLUMN <current type> NULL", () => {
    const steps = evolutionSteps(
      mssqlSql,
      { schema: "dbo", name: "t" },
      evolution({
        ...change,
        // case-insensitive names: "N" is the column "n"
        widened: [...change.widened.map((w) => (w.name === "n" ? { ...w, name: "N" } : w))],
        kept: [col("strict", "string"), col("count", "int32")],
      }),
      msColumns,
      true,
      msRead,
    );
    expect(steps.map((s) => s.statement)).toEqual([
      "ALTER TABLE [dbo].[t] ADD [note] nvarchar(max) NULL",
      "ALTER TABLE [dbo].[t] ADD [Amount] decimal(18,4) NULL",
      "ALTER TABLE [dbo].[t] ALTER COLUMN [n] bigint NULL",
      "ALTER TABLE [dbo].[t] ALTER COLUMN [price] decimal(14,2) NULL",
      "ALTER TABLE [dbo].[t] ALTER COLUMN [ratio] float NULL",
      "ALTER TABLE [dbo].[t] ALTER COLUMN [at] datetime2(6) NULL",
      "ALTER TABLE [dbo].[t] DROP COLUMN [old]",
      "ALTER TABLE [dbo].[t] ALTER COLUMN [strict] nvarchar(50) COLLATE SQL_Latin1_General_CP1_CI_AS NULL",
      "ALTER TABLE [dbo].[t] ALTER COLUMN [count] int NULL",
    ]);
  });

  it("SQL Server: a widened NOT NULL column stays NOT NULL", () => {
    const [step] = evolutionSteps(
      mssqlSql,
      { name: "t" },
      evolution({ widened: [{ name: "k", from: "int32", to: "int64" }] }),
      msColumns,
      true,
      msRead,
    );
    expect(step!.statement).toBe("ALTER TABLE [t] ALTER COLUMN [k] bigint NOT NULL");
  });
});

describe("widening is decided against the column's real type", () => {
  const table = (type: string): DeclaredColumn[] => [{ name: "amount", type, nullable: true }];
  const widen = evolution({ widened: [{ name: "amount", from: "decimal(10, 2)", to: "decimal(12, 4)" }] });

  it("a column already wider than the recorded type (widened by hand, or before hygge recorded it) is never narrowed", () => {
    expect(
      evolutionSteps(
        postgresSql,
        { name: "t" },
        widen,
        table("numeric(18,6)"),
        false,
        readAs([["amount", "decimal(18, 6)"]]),
      ),
    ).toEqual([]);
    expect(
      evolutionSteps(
        mssqlSql,
        { name: "t" },
        widen,
        table("decimal(18,6)"),
        true,
        readAs([["amount", "decimal(18, 6)"]]),
      ),
    ).toEqual([]);
  });

  it("a widening that would not keep every value the column holds now is refused, naming the column and both types", () => {
    // numeric(12,6) has 6 integer digits and 6 decimals; decimal(12,4) keeps 8 and 4: neither holds the other.
    expect(() =>
      evolutionSteps(
        postgresSql,
        { name: "t" },
        widen,
        table("numeric(12,6)"),
        false,
        readAs([["amount", "decimal(12, 6)"]]),
      ),
    ).toThrow(
      /column "amount" of t is numeric\(12,6\); the source's decimal\(12, 4\) needs it widened to numeric\(12,4\)/,
    );
    // A column hygge cannot read (a placeholder Null) is not altered blindly either.
    expect(() =>
      evolutionSteps(
        postgresSql,
        { name: "t" },
        widen,
        table("money"),
        false,
        new Schema([new Field("amount", new Null(), true)]),
      ),
    ).toThrow(/would not keep every value/);
  });

  it("SQL Server: a case-only rename drops nothing (the kept column is the same column)", () => {
    const steps = evolutionSteps(
      mssqlSql,
      { name: "t" },
      {
        ...evolution({ dropped: [col("amount", "int64")], added: [col("Amount", "int64")] }),
        target: [col("id", "int64"), col("Amount", "int64")],
      },
      table("bigint"),
      true,
      readAs([["amount", "int64"]]),
    );
    expect(steps).toEqual([]);
  });
});

describe("state table with the recorded schema", () => {
  const state = {
    runId: "r1",
    runType: "incremental" as const,
    flow: "f",
    entity: "e",
    committedAt: "2024-01-01T00:00:00.000Z",
    schema: [
      { name: "id", type: "int64", nullable: false as const },
      { name: "v", type: "decimal(14, 2)" },
    ],
  };

  it("PostgreSQL: schema jsonb created, added to older tables check-first, written and read back", () => {
    expect(postgresSql.createStateTable({ name: "hygge_state" })).toContain('target text, "schema" jsonb,');
    expect(postgresSql.migrateStateTable({ schema: "o'k", name: "hygge_state" })).toBe(
      `DO $hygge$ BEGIN IF (SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('"o''k"."hygge_state"') AND attname IN ('target', 'schema') AND NOT attisdropped) < 2 THEN ALTER TABLE "o'k"."hygge_state" ADD COLUMN IF NOT EXISTS target text, ADD COLUMN IF NOT EXISTS "schema" jsonb; END IF; END $hygge$`,
    );
    const upsert = postgresSql.upsertState({ name: "hygge_state" }, state, "public.t");
    expect(upsert.text).toContain('"schema" = EXCLUDED."schema"');
    expect(upsert.params).toHaveLength(8);
    expect(JSON.parse(String(upsert.params[7]))).toEqual(state.schema);
    expect(postgresSql.upsertState({ name: "s" }, { ...state, schema: undefined }, "t").params[7]).toBeNull();
    expect(postgresSql.selectState({ name: "hygge_state" }, "f", "e").text).toContain(
      '"schema"::text AS "schema"',
    );
  });

  it("SQL Server: [schema] nvarchar(max) created, added check-first, written and read back", () => {
    expect(mssqlSql.createStateTable({ name: "hygge_state" })).toContain(
      "target nvarchar(400) NULL, [schema] nvarchar(max) NULL,",
    );
    const upsert = mssqlSql.upsertState({ name: "hygge_state" }, state, "dbo.t");
    expect(upsert.text).toBe(
      "MERGE INTO [hygge_state] WITH (HOLDLOCK) AS t USING (SELECT @p1 AS flow, @p2 AS entity) AS s ON (t.flow = s.flow AND t.entity = s.entity) WHEN MATCHED THEN UPDATE SET run_id = @p3, run_type = @p4, committed_at = @p5, watermark = @p6, target = @p7, [schema] = @p8 WHEN NOT MATCHED THEN INSERT (flow, entity, run_id, run_type, committed_at, watermark, target, [schema]) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8);",
    );
    expect(JSON.parse(String(upsert.params[7]))).toEqual(state.schema);
    expect(mssqlSql.selectState({ name: "hygge_state" }, "f", "e").text).toContain("target, [schema] FROM");
    expect(mssqlSql.describeTable({ name: "t" }).text).toContain("c.collation_name AS collation");
  });

  it("reads a recorded schema back, and nothing from an absent or malformed one", () => {
    expect(recordedColumnsOf(JSON.stringify(state.schema))).toEqual(state.schema);
    expect(recordedColumnsOf(null)).toBeUndefined();
    expect(recordedColumnsOf('{"a":1}')).toBeUndefined();
    expect(recordedColumnsOf('[{"name":"a"}]')).toBeUndefined();
  });
});
