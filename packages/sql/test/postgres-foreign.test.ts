import { isHyggeError, runFlow } from "@hygge/core";
import { batchOf, int64Vector, memoryHome } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Int64, Utf8, vectorFromArray } from "apache-arrow";
import { dropOwnTables, pgStore, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

const people = (ids: number[], names: string[]) =>
  batchOf({
    id: int64Vector(new Int64(), ids.map(BigInt)),
    name: vectorFromArray(names, new Utf8()),
  });

/** Everything a refused run must leave as it was: rows (in physical order), columns, the table's identity. */
const snapshot = (url: string, table: string) =>
  withClient(url, async (c) => ({
    rows: (await c.query(`SELECT ctid::text, * FROM "${table}" ORDER BY ctid`)).rows,
    columns: (
      await c.query(
        "SELECT attname, format_type(atttypid, atttypmod) AS t, attnotnull FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [`"${table}"`],
      )
    ).rows,
    oid: (await c.query("SELECT to_regclass($1)::oid::text AS oid", [`"${table}"`])).rows[0].oid,
  }));
const stateRows = (url: string, entity: string) =>
  withClient(
    url,
    async (c) =>
      (
        await c
          .query("SELECT target FROM hygge_state WHERE entity = $1", [entity])
          .catch(() => ({ rows: [] as unknown[] }))
      ).rows,
  );

describe.each(postgresServers())("PostgreSQL store and tables it did not create ($label)", ({ url }) => {
  const ctx = testContext(url);
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });
  const run = (
    table: string,
    batch = people([7, 8, 9], ["x", "y", "z"]),
    options = {},
    runType = "full_drop",
  ) =>
    runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([batch]),
      store: () => pgStore(ctx, table, options),
      runType: runType as "full_drop",
    });

  it("full_drop refuses a table hygge never published, names it and leaves it byte for byte", async () => {
    const table = unique("foreign");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id integer NOT NULL, note text, amount numeric(10,2))`);
      await c.query(`INSERT INTO "${table}" VALUES (1, 'keep me', 1.50), (2, NULL, NULL)`);
    });
    const before = await snapshot(url, table);
    const error = await run(table).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
    const message = String((error as Error).message);
    expect(message).toContain(`table ${table} exists but was not created by hygge`);
    expect(message).toContain("it holds 2 rows (");
    expect(message).toContain("3 columns (id integer, note text, amount numeric(10,2))");
    expect(message).toContain("full_drop would replace it");
    expect((error as { hint?: string }).hint).toContain("replace_existing: true");
    expect(await snapshot(url, table)).toEqual(before);
    expect(await stateRows(url, table)).toEqual([]);
    const checked = await pgStore(ctx, table).check!();
    expect(checked[1]!.message).toContain(
      "hygge did not create it: a full_drop would stop without replace_existing: true",
    );
  });

  it("replace_existing: true lets the first full_drop replace it; later runs need no opt-in", async () => {
    const table = unique("optin");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (legacy text)`);
      await c.query(`INSERT INTO "${table}" VALUES ('old')`);
    });
    const first = await run(table, people([1, 2], ["a", "b"]), { replace_existing: true });
    expect(first.rows).toBe(2);
    const rows = await withClient(
      url,
      async (c) => (await c.query(`SELECT * FROM "${table}" ORDER BY id`)).rows,
    );
    expect(rows.map((r) => [Number(r.id), r.name])).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
    expect(await stateRows(url, table)).toEqual([{ target: table }]);
    const second = await run(table, people([3], ["c"]));
    expect(second.rows).toBe(1);
    expect(
      await withClient(url, async (c) => (await c.query(`SELECT id::int FROM "${table}"`)).rows),
    ).toEqual([{ id: 3 }]);
  });

  it("a table hygge published under another entity name (same target) is hygge's", async () => {
    const table = unique("shared");
    await run(table, people([1], ["a"]));
    const error = await runFlow({
      flow: "otherflow",
      entity: "renamed",
      home: memoryHome([people([5], ["e"])]),
      store: () => pgStore(ctx, "renamed", { table }),
    });
    expect(error.rows).toBe(1);
    await withClient(url, (c) => c.query("DELETE FROM hygge_state WHERE flow = 'otherflow'"));
  });

  it("incremental appends to a foreign table without the opt-in, after checking its columns fit", async () => {
    const table = unique("append");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id bigint, name text, must text NOT NULL)`);
      await c.query(`INSERT INTO "${table}" VALUES (1, 'a', 'm')`);
    });
    const before = await snapshot(url, table);
    const error = await run(table, people([2], ["b"]), {}, "incremental").catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("SCHEMA_MISMATCH");
    expect(String((error as Error).message)).toContain(
      `the rows do not fit the existing table ${table}: NOT NULL column "must" without a default would get no value`,
    );
    const extra = batchOf({
      id: int64Vector(new Int64(), [3n]),
      name: vectorFromArray(["c"], new Utf8()),
      must: vectorFromArray(["m"], new Utf8()),
      surplus: vectorFromArray(["s"], new Utf8()),
    });
    const error2 = await run(table, extra, {}, "incremental").catch((e: unknown) => e);
    expect(String((error2 as Error).message)).toContain('the table has no column "surplus"');
    expect(await snapshot(url, table)).toEqual(before);
    await withClient(url, (c) => c.query(`ALTER TABLE "${table}" ALTER must SET DEFAULT 'd'`));
    expect((await run(table, people([2], ["b"]), {}, "incremental")).rows).toBe(1);
    expect(
      (await withClient(url, (c) => c.query(`SELECT id::int, name, must FROM "${table}" ORDER BY id`))).rows,
    ).toEqual([
      { id: 1, name: "a", must: "m" },
      { id: 2, name: "b", must: "d" },
    ]);
  });

  it("schema-qualified targets: hygge's own table runs again, a foreign one next to it is refused", async () => {
    const schema = `hygge_fq_${process.pid}`;
    await withClient(url, (c) => c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
    try {
      const own = `${schema}.mine`;
      expect((await run("fq", people([1], ["a"]), { table: own })).rows).toBe(1);
      expect((await run("fq", people([2], ["b"]), { table: own })).rows).toBe(1);
      await withClient(url, (c) =>
        c.query(`CREATE TABLE "${schema}".theirs (x int); INSERT INTO "${schema}".theirs VALUES (1)`),
      );
      const error = await run("fq2", people([1], ["a"]), { table: `${schema}.theirs` }).catch(
        (e: unknown) => e,
      );
      expect(String((error as Error).message)).toContain(
        `table ${schema}.theirs exists but was not created by hygge (no row for it in ${schema}.hygge_state)`,
      );
      expect((await withClient(url, (c) => c.query(`SELECT x FROM "${schema}".theirs`))).rows).toEqual([
        { x: 1 },
      ]);
    } finally {
      await withClient(url, (c) => c.query(`DROP SCHEMA "${schema}" CASCADE`));
    }
  });

  it("if_exists: fail with replace_existing: true is refused as a contradiction", () => {
    expect(() => pgStore(ctx, "x", { if_exists: "fail", replace_existing: true })).toThrow(
      /replace_existing/,
    );
  });
});
