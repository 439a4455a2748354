import { createServer, type Server, type Socket } from "node:net";
import { type HyggeError, isHyggeError, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { postgresConnectionOptions } from "../src/options.js";
import { postgresPoolConfig } from "../src/postgres/postgres-dialect.js";
import { dropOwnTables, pgHome, pgStore, readAll, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

describe("PostgreSQL connection options", () => {
  it("hands keepalive, timeouts and the destroyable client to pg", () => {
    const o = postgresConnectionOptions.parse({ database: "d", user: "u" });
    const config = postgresPoolConfig(pg, o) as Record<string, unknown>;
    expect(config).toMatchObject({
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
      connectionTimeoutMillis: 15_000,
      statement_timeout: 0,
      lock_timeout: 300_000,
      idle_in_transaction_session_timeout: 0,
    });
    expect(typeof config.Client).toBe("function");
    const set = postgresPoolConfig(
      pg,
      postgresConnectionOptions.parse({
        database: "d",
        user: "u",
        keepalive: false,
        keepalive_initial_delay_ms: 5_000,
        connect_timeout_ms: 2_000,
        statement_timeout_ms: 60_000,
        lock_timeout_ms: 0,
        idle_in_transaction_timeout_ms: 120_000,
      }),
    );
    expect(set).toMatchObject({
      keepAlive: false,
      keepAliveInitialDelayMillis: 5_000,
      connectionTimeoutMillis: 2_000,
      statement_timeout: 60_000,
      lock_timeout: 0,
      idle_in_transaction_session_timeout: 120_000,
    });
  });

  it("rejects bad values with the key's name", () => {
    const r = postgresConnectionOptions.safeParse({ database: "d", user: "u", statement_timeout_ms: -1 });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues[0]?.path)).toBe('["statement_timeout_ms"]');
  });

  it("a server that accepts and never answers fails within connect_timeout_ms, with a clear error", async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const ctx = testContext(`postgres://u@127.0.0.1:${port}/d`);
    ctx.connections.warehouse!.options.connect_timeout_ms = 500;
    const started = Date.now();
    try {
      const error = (await readAll(pgHome(ctx, "t"), "t").catch((e: unknown) => e)) as HyggeError;
      const took = Date.now() - started;
      expect(isHyggeError(error) && error.code).toBe("CONNECTION_FAILED");
      expect(error.message).toContain(
        `PostgreSQL connection "warehouse" (postgres u@127.0.0.1:${port}/d) did not answer within connect_timeout_ms (500 ms)`,
      );
      expect(error.hint).toContain("raise connect_timeout_ms");
      expect(error.transient).toBe(true);
      expect(took).toBeLessThan(3_000);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      await ctx.resources.closeAll();
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});

describe.each(postgresServers())("PostgreSQL timeouts ($label)", ({ url }) => {
  afterAll(() => dropOwnTables(url));

  it("sessions run with the configured server timeouts", async () => {
    const ctx = testContext(url);
    Object.assign(ctx.connections.warehouse!.options, {
      statement_timeout_ms: 1234,
      lock_timeout_ms: 4321,
      idle_in_transaction_timeout_ms: 99_000,
    });
    try {
      const batches = await readAll(
        pgHome(ctx, "t", {
          table: undefined,
          query:
            "SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it",
        }),
        "t",
      );
      expect(batches[0]!.toArray()[0]!.toJSON()).toEqual({ st: "1234ms", lt: "4321ms", it: "99s" });
    } finally {
      await ctx.resources.closeAll();
    }
  });

  it("a statement longer than statement_timeout_ms fails, naming the table, not transient", async () => {
    const ctx = testContext(url);
    ctx.connections.warehouse!.options.statement_timeout_ms = 300;
    const table = unique("slow");
    await withClient(url, (c) => c.query(`CREATE TABLE "${table}" AS SELECT 1 AS id`));
    try {
      const error = (await readAll(
        pgHome(ctx, table, { table: undefined, query: "SELECT id FROM {entity} CROSS JOIN pg_sleep(2)" }),
        table,
      ).catch((e: unknown) => e)) as HyggeError;
      expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
      expect(error.message).toContain("canceling statement due to statement timeout");
      expect(error.hint).toContain('statement_timeout_ms of connection "warehouse"');
      expect(error.transient).toBe(false);
    } finally {
      await ctx.resources.closeAll();
    }
  });

  it("a load blocked by another session's lock fails after lock_timeout_ms (transient), table unchanged", async () => {
    const ctx = testContext(url);
    ctx.connections.warehouse!.options.lock_timeout_ms = 300;
    const table = unique("locked");
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(sequenceBatches(3, 3)),
      store: () => pgStore(ctx, table),
    });
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query(`BEGIN; LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
      const error = (await runFlow({
        flow: "sqltest",
        entity: table,
        home: memoryHome(sequenceBatches(5, 5)),
        store: () => pgStore(ctx, table),
        runType: "incremental",
      }).catch((e: unknown) => e)) as HyggeError;
      expect(error.message).toContain("canceling statement due to lock timeout");
      expect(error.message).toContain(table);
      expect(error.transient).toBe(true);
      expect(error.hint).toContain("lock_timeout_ms");
      await blocker.query("ROLLBACK");
      expect(
        (await withClient(url, (c) => c.query(`SELECT count(*)::int AS n FROM "${table}"`))).rows[0].n,
      ).toBe(3);
    } finally {
      await blocker.end();
      await ctx.resources.closeAll();
    }
  });
});
