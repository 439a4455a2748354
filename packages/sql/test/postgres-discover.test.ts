import { type DiscoveredEntity, type DiscoverRequest, isHyggeError, typeNameOf } from "@hygge/core";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import plugin from "../src/index.js";
import { pgHome, readAll, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

const home = plugin.homes.postgres;
const request = (extra: Partial<DiscoverRequest> = {}): DiscoverRequest => ({
  signal: new AbortController().signal,
  ...extra,
});

describe.each(postgresServers())("PostgreSQL discovery ($label)", ({ url }) => {
  const ctx = testContext(url);
  const schema = `disc_${process.pid}_${Date.now().toString(36)}`;
  const discover = (options: Record<string, unknown>, req: DiscoverRequest) =>
    home.discover!(home.discoverOptions!.parse({ connection: "warehouse", ...options }), ctx, req);
  const byName = (found: DiscoveredEntity[]) => new Map(found.map((e) => [e.name, e]));

  beforeAll(async () => {
    await withClient(url, async (c) => {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`SET search_path = "${schema}"`);
      await c.query("CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)");
      await c.query(
        "CREATE TABLE orders (id integer PRIMARY KEY, amount numeric(10,2), created timestamptz, note text, qty positive_int)",
      );
      await c.query(
        "INSERT INTO orders SELECT i, i * 1.5, now(), 'n' || i, i FROM generate_series(1, 1000) AS s(i)",
      );
      await c.query("CREATE TABLE spans (id integer NOT NULL, during int4range, tags text[])");
      await c.query("INSERT INTO spans VALUES (1, '[1,5)', '{a,b}')");
      await c.query("CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 10");
      await c.query("CREATE TABLE tmp_scratch (id integer)");
      await c.query("CREATE TABLE fresh (id integer)");
      // Not entities: hygge's own state table, and a name with a dot (schema.a.b says nothing).
      await c.query("CREATE TABLE hygge_state (flow text)");
      await c.query('CREATE TABLE "dotted.name" (id integer)');
      await c.query("CREATE TABLE events (id integer, at date) PARTITION BY RANGE (at)");
      await c.query(
        "CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
      );
      await c.query(
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
      );
      await c.query(
        "INSERT INTO events SELECT i, date '2023-06-01' + (i % 2) * 365 FROM generate_series(1, 300) AS s(i)",
      );
      await c.query(
        "ANALYZE orders; ANALYZE spans; ANALYZE tmp_scratch; ANALYZE events_2023; ANALYZE events_2024",
      );
    });
  });
  afterAll(async () => {
    await ctx.resources.closeAll();
    await withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  });

  it("lists the tables and views of a schema as schema.table, with estimated rows from statistics", async () => {
    const found = await discover({}, request({ patterns: [`${schema}.*`] }));
    expect(found.map((e) => [e.name, e.kind, e.estimatedRows])).toEqual([
      [`${schema}.big_orders`, "view", undefined],
      [`${schema}.events`, "table", 300],
      // never analyzed: reltuples -1, unknown (not 0)
      [`${schema}.fresh`, "table", undefined],
      [`${schema}.orders`, "table", 1000],
      [`${schema}.spans`, "table", 1],
      [`${schema}.tmp_scratch`, "table", 0],
    ]);
    expect(found.every((e) => e.columns === undefined)).toBe(true);
  });

  it("leaves out hygge's state table and names holding a dot; refuses patterns over a fixed table", async () => {
    const names = (await discover({}, request({ patterns: [`${schema}.*`] }))).map((e) => e.name);
    expect(names).not.toContain(`${schema}.hygge_state`);
    expect(names.some((n) => n.includes("dotted"))).toBe(false);
    const fixed = discover({ table: `${schema}.orders` }, request({ patterns: [`${schema}.*`] }));
    await expect(fixed).rejects.toThrow("entities: patterns need {entity} in the home's table");
  });

  it("leaves out PostgreSQL's own schemas and partitions", async () => {
    const all = await discover({}, request());
    expect(all.some((e) => /^(pg_catalog|information_schema|pg_toast)\./.test(e.name))).toBe(false);
    expect(all.some((e) => e.name.startsWith(`${schema}.events_`))).toBe(false);
    expect(all.some((e) => e.name === `${schema}.orders`)).toBe(true);
  });

  it("narrows with exclusions", async () => {
    const found = await discover(
      {},
      request({ patterns: [`${schema}.*`, `!${schema}.tmp_*`, `!${schema}.f*`] }),
    );
    expect(found.map((e) => e.name)).toEqual([
      `${schema}.big_orders`,
      `${schema}.events`,
      `${schema}.orders`,
      `${schema}.spans`,
    ]);
  });

  it("describes each column's type as hygge reads it, and which it cannot read and why", async () => {
    const found = byName(await discover({}, request({ patterns: [`${schema}.*`], columns: true })));
    expect(found.get(`${schema}.orders`)!.columns).toEqual([
      { name: "id", sourceType: "integer", type: "int32", nullable: false },
      { name: "amount", sourceType: "numeric(10,2)", type: "decimal(10, 2)", nullable: true },
      { name: "created", sourceType: "timestamp with time zone", type: "timestamp[us, UTC]", nullable: true },
      { name: "note", sourceType: "text", type: "string", nullable: true },
      // a domain reads as its base type
      { name: "qty", sourceType: `${schema}.positive_int`, type: "int32", nullable: true },
    ]);
    const spans = found.get(`${schema}.spans`)!.columns!;
    expect(spans.map((c) => [c.name, c.sourceType, c.type])).toEqual([
      ["id", "integer", "int32"],
      ["during", "int4range", undefined],
      ["tags", "text[]", "list<string>"],
    ]);
    const during = spans[1]!;
    expect(during.unreadable!.reason).toBe(
      'column "during" has PostgreSQL type int4range, which hygge cannot read',
    );
    expect(during.unreadable!.hint).toMatch(/Cast it in a query.*during::text/);
    expect(found.get(`${schema}.big_orders`)!.columns!.map((c) => `${c.name} ${c.type}`)).toEqual([
      "id int32",
      "amount decimal(10, 2)",
    ]);
  });

  it("says what a read says: the home refuses the unreadable column with the same reason, reads the rest as described", async () => {
    const found = byName(await discover({}, request({ patterns: [`${schema}.*`], columns: true })));
    const refused = await readAll(pgHome(ctx, `${schema}.spans`), `${schema}.spans`).catch((e: unknown) => e);
    expect(isHyggeError(refused) && refused.message).toContain(
      found.get(`${schema}.spans`)!.columns![1]!.unreadable!.reason,
    );
    const orders = found.get(`${schema}.orders`)!;
    const schemaRead = await pgHome(ctx, orders.name).schema!({
      signal: new AbortController().signal,
      flow: "sqltest",
      entity: orders.name,
      runType: "full_drop",
    });
    expect(schemaRead.fields.map(typeNameOf)).toEqual(orders.columns!.map((c) => c.type));
  });

  it("names entities after the flow's table template: schema.{entity} gives table names", async () => {
    const found = await discover({ table: `${schema}.{entity}` }, request({ patterns: ["*", "!tmp_*"] }));
    expect(found.map((e) => e.name)).toEqual(["big_orders", "events", "fresh", "orders", "spans"]);
    const prefixed = await discover({ table: `${schema}.tmp_{entity}` }, request());
    expect(prefixed.map((e) => e.name)).toEqual(["scratch"]);
  });

  it("accepts a flow's home block without table or query", () => {
    const parsed = home.discoverOptions!.safeParse({ connection: "warehouse" });
    expect(parsed.success).toBe(true);
  });

  it("refuses an unknown connection naming the declared ones", async () => {
    const error = await home.discover!(
      home.discoverOptions!.parse({ connection: "nope" }),
      ctx,
      request(),
    ).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    expect((error as { hint: string }).hint).toContain("warehouse");
  });
});
