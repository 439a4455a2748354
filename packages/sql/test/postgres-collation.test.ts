import { toRows } from "@hygge/core";
import { afterAll, describe, expect, it } from "@jest/globals";
import { postgresSql } from "../src/postgres/postgres-sql.js";
import { dropOwnTables, pgHome, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

// Code-point order: "B" < "Z" < "a" < "é" < "😀"; a linguistic order puts "a" before "B".
const VALUES = ["a", "B", "Z", "é", "😀", "ab", ""];
const codePointAtLeast = (since: string) =>
  VALUES.filter((v) => Buffer.compare(Buffer.from(v), Buffer.from(since)) >= 0).sort();

describe.each(postgresServers())("PostgreSQL string watermarks and indexes ($label)", ({ url }) => {
  const ctx = testContext(url);
  const table = unique("collate");
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });

  const setup = withClient(url, async (c) => {
    await c.query(
      `CREATE TABLE "${table}" (id int, s text, sc text COLLATE "C", su text COLLATE "ucs_basic")`,
    );
    await c.query(
      `INSERT INTO "${table}" SELECT i, v, v, v FROM unnest($1::text[]) WITH ORDINALITY AS x(v, i)`,
      [VALUES],
    );
    await c.query(
      `CREATE INDEX ON "${table}" (s); CREATE INDEX ON "${table}" (sc); CREATE INDEX ON "${table}" (su); ANALYZE "${table}"`,
    );
  });

  const read = async (column: string, since: string) => {
    await setup;
    const home = pgHome(ctx, table, { columns: [column] });
    const out = [];
    const signal = new AbortController().signal;
    for await (const b of home.read({
      signal,
      flow: "sqltest",
      entity: table,
      runType: "incremental",
      watermark: { column, primaryKey: [], since: { column, kind: "string", value: since } },
    })) {
      out.push(b);
    }
    return toRows(out)
      .map((r) => String(r[column]))
      .sort();
  };

  it.each(["B", "a", "Z", "é", "", "😀"])(
    "every row with a code point >= %j is returned, on columns of any collation",
    async (since) => {
      const want = codePointAtLeast(since);
      expect(await read("s", since)).toEqual(want);
      expect(await read("sc", since)).toEqual(want);
      expect(await read("su", since)).toEqual(want);
    },
  );

  it("knows which columns order by code point", async () => {
    await setup;
    const probe = (column: string) =>
      withClient(url, async (c) => {
        const s = postgresSql.codePointColumn!({ name: table }, column);
        return (await c.query(s.text, s.params as unknown[])).rows[0]?.codepoint;
      });
    expect(await probe("sc")).toBe(true);
    expect(await probe("su")).toBe(true);
    const dbIsC = await withClient(
      url,
      async (c) =>
        (
          await c.query(
            "SELECT datlocprovider = 'b' OR (datlocprovider = 'c' AND datcollate IN ('C', 'POSIX')) AS c FROM pg_database WHERE datname = current_database()",
          )
        ).rows[0].c,
    );
    expect(await probe("s")).toBe(dbIsC);
  });

  it('a column that orders by code point keeps its index; COLLATE "C" on another one cannot use it', async () => {
    await setup;
    const plan = (column: string, codePoint: boolean) =>
      withClient(url, async (c) => {
        const s = postgresSql.select(
          { table: { name: table } },
          undefined,
          { column, kind: "string", value: "a" },
          {
            codePoint,
          },
        );
        await c.query("SET enable_seqscan = off");
        const text = s.text.replace("$1", "'a'");
        return JSON.stringify((await c.query(`EXPLAIN (FORMAT JSON) ${text}`)).rows[0]);
      });
    expect(await plan("sc", true)).toMatch(/Index/);
    expect(await plan("su", true)).toMatch(/Index/);
    expect(await plan("su", false)).not.toMatch(/Index/);
    expect(await plan("s", false)).not.toMatch(/Index/);
  });
});
