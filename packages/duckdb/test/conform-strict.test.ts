// The conformance kit's strict checks on the DuckDB store: leftover staging tables and open
// connections after abort()/close(), and a crash at each fault point repaired by the next run.
import { fileURLToPath } from "node:url";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { spawnChild, testStore } from "@hygge/core/testing";
import { afterAll, describe } from "@jest/globals";
import { stagingTable } from "../src/store/table.js";
import { duckStore, readArrow, rows, storeContext, tempProject, withConnection } from "./store-helpers.js";

const EXCLUDE = ["list_int32", "struct"]; // as store-conformance.test.ts
const child = fileURLToPath(new URL("./conform-crash-child.ts", import.meta.url));

// Live connections, counted on the DuckDB API itself: every connect() not yet disconnected.
let live = 0;
const connect = DuckDBInstance.prototype.connect;
DuckDBInstance.prototype.connect = async function (this: DuckDBInstance) {
  const c = await connect.call(this);
  live++;
  return c;
};
const disconnect = DuckDBConnection.prototype.disconnectSync;
DuckDBConnection.prototype.disconnectSync = function (this: DuckDBConnection) {
  live--;
  return disconnect.call(this);
};

describe("DuckDB store: the strict conformance checks", () => {
  const dir = tempProject();
  const ctx = storeContext(dir, "conformance");
  afterAll(() => ctx.resources.closeAll());
  const tables = (entity: string) => {
    const prefix = stagingTable({ schema: "raw", name: entity }, "x").name.slice(0, -12);
    return withConnection(ctx, (c) =>
      rows(c, `SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'raw' ORDER BY 1`),
    ).then((r) => r.map((x) => String(x.t)).filter((t) => t === entity || t.startsWith(prefix)));
  };

  testStore({
    name: "duckdb store (strict)",
    create: (entity) => duckStore(ctx, entity),
    readBack: async (entity) =>
      (await tables(entity)).includes(entity)
        ? [await withConnection(ctx, (c) => readArrow(c, `SELECT * FROM raw."${entity}"`))]
        : undefined,
    snapshot: async (entity) => (await tables(entity)).join("\n"),
    excludeTypes: EXCLUDE,
    inspect: {
      leftovers: async (entity) => (await tables(entity)).filter((t) => t !== entity),
      openHandles: () => live,
    },
    crash: {
      points: ["duckdb:before-commit", "duckdb:after-commit"],
      // The child needs the file: this process lets go of its instance first (reopened lazily).
      spawn: async (entity, env) => {
        await ctx.resources.closeAll();
        return spawnChild(child, [dir, entity], env);
      },
    },
  });
});
