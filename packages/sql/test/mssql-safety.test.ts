import { describe, expect, it } from "@jest/globals";
import { mssqlPoolConfig } from "../src/mssql/mssql-dialect.js";
import { MssqlSession } from "../src/mssql/mssql-session.js";
import { mssqlSql } from "../src/mssql/mssql-sql.js";
import { mssqlConnectionOptions, sqlStoreOptions } from "../src/options.js";

describe("SQL Server connection safety (no server needed)", () => {
  it("hands connect, request and cancel timeouts to mssql/tedious", () => {
    const config = mssqlPoolConfig(mssqlConnectionOptions.parse({ server: "s", database: "d", user: "u" }));
    expect(config).toMatchObject({
      connectionTimeout: 15_000,
      requestTimeout: 300_000,
      options: { cancelTimeout: 10_000, encrypt: true, useUTC: true },
    });
    const set = mssqlPoolConfig(
      mssqlConnectionOptions.parse({
        server: "s",
        database: "d",
        user: "u",
        connect_timeout_ms: 3_000,
        request_timeout_ms: 0,
        cancel_timeout_ms: 2_000,
      }),
    );
    expect(set).toMatchObject({
      connectionTimeout: 3_000,
      requestTimeout: 0,
      options: { cancelTimeout: 2_000 },
    });
  });

  it("store options: replace_existing defaults to false and contradicts if_exists: fail", () => {
    expect(sqlStoreOptions.parse({ connection: "c", table: "t" }).replace_existing).toBe(false);
    const bad = sqlStoreOptions.safeParse({
      connection: "c",
      table: "t",
      if_exists: "fail",
      replace_existing: true,
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["replace_existing"]);
  });

  it("asks the state table whether hygge published the target, in any of the names it may have used", () => {
    const s = mssqlSql.ownsTarget({ schema: "dbo", name: "hygge_state" }, { name: "orders" }, "f", undefined);
    expect(s.text).toBe(
      "SELECT TOP (1) 1 AS owned FROM [dbo].[hygge_state] WHERE target = COALESCE(@p1, SCHEMA_NAME()) + N'.' + @p2 OR (target = @p2 AND COALESCE(@p1, SCHEMA_NAME()) = SCHEMA_NAME()) OR (target IS NULL AND flow = @p3 AND entity = @p4)",
    );
    expect(s.params).toEqual([null, "orders", "f", ""]);
    expect(mssqlSql.describeTable({ schema: "s", name: "t]x" }).params).toEqual(["[s].[t]]x]"]);
    expect(mssqlSql.tableSize({ name: "t" }).text).toContain("sys.partitions");
  });

  it("abandon() cancels the requests under way and closes the transaction's connection", async () => {
    const log: string[] = [];
    const connection = { close: () => log.push("connection closed") };
    class Transaction {
      async begin() {
        log.push("begin");
      }
      acquire(_r: unknown, cb: (e: unknown, c: unknown) => void) {
        setImmediate(cb, null, connection);
      }
      release() {
        log.push("released after acquire");
      }
    }
    class Request {
      input() {}
      query() {
        log.push("query sent");
        return new Promise(() => undefined); // a server that never answers
      }
      cancel() {
        log.push("request cancelled");
      }
    }
    const session = new MssqlSession({ Transaction, Request } as never, {} as never);
    await session.begin();
    void session.query({ text: "INSERT …", params: [] });
    expect(session.busy).toBe(true);
    await session.abandon();
    expect(log).toEqual([
      "begin",
      "released after acquire",
      "query sent",
      "request cancelled",
      "connection closed",
    ]);
    expect(session.busy).toBe(false);
    await expect(session.query({ text: "SELECT 1", params: [] })).rejects.toThrow(/abandoned/);
  });
});
