import { type Home, type HyggeError, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import type pg from "pg";
import { dropOwnTables, pgHome, pgStore, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// pg_stat_activity is a snapshot kept for the whole transaction: the blocker holds one open.
const fresh = (c: pg.Client) => c.query("SELECT pg_stat_clear_snapshot()");
/** Backends of `app` waiting on a lock (the blocked statement of the flow under test). */
const waiting = (c: pg.Client, app: string) =>
  fresh(c)
    .then(() =>
      c.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [
        app,
      ]),
    )
    .then((r) => r.rows.map((row) => Number(row.pid)));
const alive = (c: pg.Client, pid: number) =>
  fresh(c)
    .then(() => c.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid]))
    .then((r) => r.rows.length > 0);

async function until<T>(what: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await sleep(25);
  }
}

/** A home that yields batches forever (never the reason a flow stops). */
function endless(): Home {
  const [batch] = sequenceBatches(100, 100) as RecordBatch[];
  return {
    async *read() {
      for (;;) {
        yield batch!;
        await sleep(5);
      }
    },
  };
}

describe.each(postgresServers())("PostgreSQL abandoned operations ($label)", ({ url }) => {
  afterAll(() => dropOwnTables(url));

  it("an aborted flow whose COPY is blocked: backend ended, connection destroyed, never reused, table unchanged", async () => {
    const app = `hygge-abandon-${process.pid}`;
    const ctx = testContext(url);
    ctx.connections.warehouse!.options.application_name = app;
    const table = unique("abandon");
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(sequenceBatches(7, 7)),
      store: () => pgStore(ctx, table),
    });
    const pool = (await ctx.resources.get(
      "@hygge/sql:postgres:warehouse",
      async () => {
        throw new Error("the pool should exist");
      },
      async () => undefined,
    )) as pg.Pool;
    let abandoned = 0;
    await withClient(url, async (blocker) => {
      await blocker.query(`BEGIN; LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
      const controller = new AbortController();
      const flow = runFlow({
        flow: "sqltest",
        entity: table,
        home: endless(),
        store: () => pgStore(ctx, table),
        runType: "incremental",
        signal: controller.signal,
      }).catch((e: unknown) => e as HyggeError);
      const [pid] = await until(async () => {
        const pids = await waiting(blocker, app);
        return pids.length ? pids : undefined;
      });
      abandoned = pid!;
      expect(pool.totalCount).toBe(1);
      const started = Date.now();
      controller.abort(new Error("stop"));
      const error = (await flow) as HyggeError;
      expect(error.code).toBe("ABORTED");
      expect(Date.now() - started).toBeLessThan(5_000);
      // The blocked backend is gone while the lock is still held: it was ended, not waited for.
      expect(await alive(blocker, pid!)).toBe(false);
      expect(pool.totalCount).toBe(0);
      await blocker.query("ROLLBACK");
    });
    // The next flow gets a new connection (another backend), and the table holds the first run only.
    const report = await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(sequenceBatches(2, 2, 100)),
      store: () => pgStore(ctx, table),
      runType: "incremental",
    });
    expect(report.rows).toBe(2);
    const ids = await withClient(url, async (c) => ({
      rows: (await c.query(`SELECT id::int FROM "${table}" ORDER BY id`)).rows.map((r) => r.id),
      backends: (
        await c.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [app])
      ).rows.map((r) => Number(r.pid)),
    }));
    expect(ids.rows).toEqual([0, 1, 2, 3, 4, 5, 6, 100, 101]);
    expect(ids.backends.length).toBeGreaterThan(0);
    expect(ids.backends).not.toContain(abandoned);
    await ctx.resources.closeAll();
  });

  it("an aborted flow whose home read is blocked: the read's backend is ended and the flow stops at once", async () => {
    const app = `hygge-abandon-read-${process.pid}`;
    const ctx = testContext(url);
    ctx.connections.warehouse!.options.application_name = app;
    const table = unique("abandon_read");
    await withClient(url, (c) => c.query(`CREATE TABLE "${table}" AS SELECT 1 AS id`));
    await withClient(url, async (blocker) => {
      await blocker.query(`BEGIN; LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
      const controller = new AbortController();
      const target = unique("abandon_sink");
      const flow = runFlow({
        flow: "sqltest",
        entity: table,
        home: pgHome(ctx, table),
        store: () => pgStore(ctx, target, { table: target }),
        signal: controller.signal,
      }).catch((e: unknown) => e as HyggeError);
      const [pid] = await until(async () => {
        const pids = await waiting(blocker, app);
        return pids.length ? pids : undefined;
      });
      controller.abort(new Error("stop"));
      const error = (await flow) as HyggeError;
      expect(error.code).toBe("ABORTED");
      await until(async () => ((await alive(blocker, pid!)) ? undefined : true), 5_000);
      await blocker.query("ROLLBACK");
      expect((await blocker.query("SELECT to_regclass($1) AS t", [`"${target}"`])).rows[0].t).toBeNull();
    });
    await ctx.resources.closeAll();
  });
});
