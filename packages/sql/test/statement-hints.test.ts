import { describe, expect, it } from "@jest/globals";
import { sqlError } from "../src/errors.js";
import { withClient } from "./pg-helpers.js";
import { postgresServers } from "./servers.js";

// A statement the server rejects because of the user's query, table or grants gets a hint saying
// what to fix. PostgreSQL's errors come from a real server; SQL Server's are its errors' shape
// (number + message, as mssql's RequestError carries them), since no SQL Server runs here.

const ctx = { connection: "wh", label: "PostgreSQL", action: "describing query" };
const rejected = async (url: string, sql: string): Promise<unknown> =>
  withClient(url, (c) =>
    c.query(sql).then(
      () => {
        throw new Error(`expected ${sql} to fail`);
      },
      (error: unknown) => error,
    ),
  );

describe.each(postgresServers())("statement hints on $label", ({ url }) => {
  it.each([
    ["SELEC 1", "Fix the SQL of `query:`"],
    ["SELECT * FROM hygge_no_such_table_x", "Check the table name, its schema"],
    ["SELECT no_such_column FROM pg_class", "does not exist: check its spelling and case"],
  ])("%s", async (sql, hint) => {
    const error = sqlError(await rejected(url, sql), ctx, "HOME_READ_FAILED");
    expect(error.code).toBe("HOME_READ_FAILED");
    expect(error.message).toContain('describing query on PostgreSQL connection "wh" failed');
    expect(error.hint).toContain(hint);
  });
});

describe("statement hints for SQL Server error numbers", () => {
  it.each([
    [102, "Incorrect syntax near 'SELEC'.", "Fix the SQL of `query:`"],
    [208, "Invalid object name 'dbo.nope'.", "Check the table name"],
    [229, "The SELECT permission was denied on the object 'orders'.", "lacks a permission"],
  ])("error %d", (number, message, hint) => {
    const error = sqlError(
      Object.assign(new Error(message), { number }),
      { ...ctx, label: "SQL Server" },
      "HOME_READ_FAILED",
    );
    expect(error.hint).toContain(hint);
    expect(error.message).toContain(message);
  });

  it("a store's own statements get no hint about query:", () => {
    const error = sqlError(
      Object.assign(new Error("Invalid column name 'id'."), { number: 207 }),
      ctx,
      "STORE_WRITE_FAILED",
    );
    expect(error.hint).toBeUndefined();
  });

  it("an error without a known number keeps no invented hint", () => {
    expect(
      sqlError(Object.assign(new Error("odd"), { number: 99999 }), ctx, "HOME_READ_FAILED").hint,
    ).toBeUndefined();
  });
});
