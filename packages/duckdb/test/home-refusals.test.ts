import { describe, expect, it } from "@jest/globals";
import { makeHome, projectDir, readAll } from "./home-helpers.js";

const dir = await projectDir("refusals");

describe("duckdb home: types without an exact Arrow column are refused, naming the column", () => {
  it.each([
    ["HUGEINT", "1::HUGEINT", 'CAST("my col" AS DECIMAL(38,0))'],
    ["UHUGEINT", "1::UHUGEINT", 'CAST("my col" AS DECIMAL(38,0))'],
    ["BIGNUM", "1::VARINT", "DECIMAL(38,0)"],
    ["INTERVAL", "interval 1 day", 'CAST("my col" AS VARCHAR)'],
    ["TIME WITH TIME ZONE", "'01:02:03+01'::TIMETZ", 'CAST("my col" AS VARCHAR)'],
    ["BIT", "'101'::BIT", 'CAST("my col" AS VARCHAR)'],
    ["INTEGER[]", "[1, 2]", 'CAST("my col" AS JSON)'],
    ["INTEGER[3]", "[1, 2, 3]::INTEGER[3]", 'CAST("my col" AS JSON)'],
    ['STRUCT("a" INTEGER)', "{'a': 1}", 'CAST("my col" AS JSON)'],
    ["MAP(VARCHAR, INTEGER)", "map {'a': 1}", 'CAST("my col" AS JSON)'],
    [
      'UNION("num" INTEGER, "str" VARCHAR)',
      "union_value(num := 2)::UNION(num INTEGER, str VARCHAR)",
      'CAST("my col" AS JSON)',
    ],
  ])("%s", async (type, literal, cast) => {
    const home = makeHome(dir, { query: `select 1 as ok, ${literal} as "my col"` }, "orders");
    const error = await readAll(home).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: "SCHEMA_MISMATCH",
      subject: "my col",
      flow: "test",
      entity: "orders",
    });
    const { message, hint } = error as { message: string; hint: string };
    expect(message).toContain(`column "my col" has DuckDB type ${type}`);
    expect(message).toContain('entity "orders"');
    expect(hint).toContain(cast);
  });

  it("refuses the type before reading a row, and the query then works with the cast the hint names", async () => {
    const refused = makeHome(dir, { query: "select range::HUGEINT as h from range(3)" });
    await expect(readAll(refused)).rejects.toMatchObject({ code: "SCHEMA_MISMATCH" });
    const cast = makeHome(dir, {
      query: 'select CAST(range::HUGEINT AS DECIMAL(38,0)) AS "h" from range(3)',
    });
    const batches = await readAll(cast);
    expect(String(batches[0]!.schema.fields[0]!.type)).toBe("Decimal[38e0]");
    expect(batches[0]!.numRows).toBe(3);
  });
});
