// The conformance kit's strict checks on the PostgreSQL store: leftover staging tables and open
// connections after abort()/close(), and a crash at each fault point repaired by the next run.
import { fileURLToPath } from "node:url";
import { spawnChild, testStore } from "@hygge/core/testing";
import { afterAll, describe } from "@jest/globals";
import pg from "pg";
import { stagingPrefix } from "../src/table-ref.js";
import { dropOwnTables, pgHome, pgStore, readAll, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

const EXCLUDE = ["ts_ns", "struct"]; // as postgres-conformance.test.ts
const child = fileURLToPath(new URL("./conform-crash-child.ts", import.meta.url));

// Live connections, counted on pg's Client itself (the pool's clients extend it): connected and
// whose socket has not closed (ended gracefully or destroyed by an abort).
let live = 0;
const connect = pg.Client.prototype.connect;
pg.Client.prototype.connect = function (this: pg.Client, ...args: unknown[]) {
  live++;
  const socket = (this as unknown as { connection: { stream: NodeJS.EventEmitter } }).connection.stream;
  socket.once("close", () => live--);
  return (connect as (...a: unknown[]) => unknown).apply(this, args);
} as typeof connect;
/** Sockets close on the next turns of the event loop after end()/destroy(). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 100));

describe.each(postgresServers())("PostgreSQL store: the strict conformance checks ($label)", ({ url }) => {
  const ctx = { ...testContext(url), flow: "conformance" };
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });
  const tables = (entity: string) =>
    withClient(url, async (c) =>
      (
        await c.query(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND (tablename = $1 OR starts_with(tablename, $2)) ORDER BY 1",
          [entity, stagingPrefix({ name: entity })],
        )
      ).rows.map((r) => String(r.tablename)),
    );

  testStore({
    name: "postgres store (strict)",
    create: (entity) => pgStore(ctx, entity),
    read: async (entity) =>
      (await tables(entity)).includes(entity) ? readAll(pgHome(ctx, entity), entity) : undefined,
    snapshot: async (entity) => (await tables(entity)).join("\n"),
    excludeTypes: EXCLUDE,
    normalizeType: (column, type) => (column === "int8" && type === "Int8" ? "Int16" : type),
    inspect: {
      leftovers: async (entity) => (await tables(entity)).filter((t) => t !== entity),
      openHandles: async () => (await settled(), live),
      // The run's pool keeps idle connections on purpose until the run ends.
      releaseHandles: () => ctx.resources.closeAll({ timeoutMs: 5000 }),
    },
    // The connection is cut (pg_terminate_backend from another client) as commit() begins: its
    // publishing statements fail on a dead session, and the transaction never commits.
    failingCommit: (entity) => {
      const store = pgStore(ctx, entity);
      const commit = store.commit.bind(store);
      store.commit = async (state) => {
        await withClient(url, (c) =>
          c.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE $1",
            [`%${stagingPrefix({ name: entity })}%`],
          ),
        ).then((r) => {
          if (r.rowCount !== 1) throw new Error(`expected the store's one session, found ${r.rowCount}`);
        });
        return commit(state);
      };
      return store;
    },
    crash: {
      points: ["sql:before-commit", "sql:after-commit"],
      spawn: (entity, env) => spawnChild(child, [url, entity], env),
    },
  });
});
