import { describe, expect, it } from "@jest/globals";
import { postgresSql } from "../src/postgres/postgres-sql.js";

describe("PostgreSQL SQL generation", () => {
  it("filters string watermarks by code point, as the engine compares them", () => {
    const s = postgresSql.select({ table: { name: "t" } }, undefined, {
      column: "code",
      kind: "string",
      value: "b",
    });
    expect(s).toEqual({ text: 'SELECT * FROM "t" WHERE "code" COLLATE "C" >= $1', params: ["b"] });
    const n = postgresSql.select({ table: { name: "t" } }, undefined, {
      column: "id",
      kind: "integer",
      value: "7",
    });
    expect(n).toEqual({ text: 'SELECT * FROM "t" WHERE "id" >= $1', params: ["7"] });
  });

  it("accepts a query that ends with a semicolon", () => {
    const s = postgresSql.select({ query: "SELECT * FROM x WHERE y = 1; \n" }, ["a"], undefined);
    expect(s.text).toBe('SELECT "a" FROM (SELECT * FROM x WHERE y = 1) AS hygge_source');
  });

  it("de-duplicates merge staging with a window over the key, not a nested-loop self-join", () => {
    const [dedupe] = postgresSql.merge({ name: "stg" }, { name: "t" }, ["id", "line", "v"], ["id", "line"]);
    expect(dedupe).toBe(
      'DELETE FROM "stg" WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY "id", "line" ORDER BY ctid DESC) AS hygge_rn FROM "stg") AS d WHERE d.hygge_rn > 1)',
    );
  });
});
