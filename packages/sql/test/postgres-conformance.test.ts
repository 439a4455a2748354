import { testHome, testStore } from "@hygge/core/testing";
import { afterAll, describe } from "@jest/globals";
import { stagingPrefix } from "../src/table-ref.js";
import { dropOwnTables, pgHome, pgStore, readAll, seed, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

/**
 * Type-matrix columns PostgreSQL cannot give back as the same Arrow type:
 * - ts_ns: PostgreSQL timestamps stop at microseconds (the matrix holds non-zero nanoseconds,
 *   which the store refuses rather than truncates);
 * - struct: stored as jsonb, read back as arrow.json text (PostgreSQL has no struct column).
 * (list_int32 is an integer[] and reads back as List<Int32>; uuid and json as arrow.uuid / arrow.json.)
 * int8 has no 1-byte PostgreSQL type: stored as smallint, it reads back as Int16 (normalizeType
 * in both suites; the values are still compared exactly).
 */
const EXCLUDE = ["ts_ns", "struct"];

describe.each(postgresServers())("PostgreSQL conformance ($label)", ({ url }) => {
  const ctx = { ...testContext(url), flow: "conformance" };
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });

  testStore({
    name: "postgres store",
    create: (entity) => pgStore(ctx, entity),
    async read(entity) {
      const exists = await withClient(
        url,
        async (c) => (await c.query("SELECT to_regclass($1) AS r", [`"${entity}"`])).rows[0].r,
      );
      return exists ? readAll(pgHome(ctx, entity), entity) : undefined;
    },
    // Tables of the entity, its staging leftovers and its committed state: all must stay as they were on failure.
    snapshot: (entity) =>
      withClient(url, async (c) => {
        const tables = await c.query(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND (tablename = $1 OR starts_with(tablename, $2)) ORDER BY 1",
          [entity, stagingPrefix({ name: entity })],
        );
        const state = await c
          .query(
            "SELECT run_id, watermark::text FROM hygge_state WHERE flow = 'conformance' AND entity = $1",
            [entity],
          )
          .catch(() => ({ rows: [] }));
        return JSON.stringify([tables.rows, state.rows]);
      }),
    excludeTypes: EXCLUDE,
    normalizeType: (column, type) => (column === "int8" && type === "Int8" ? "Int16" : type),
  });

  testHome({
    name: "postgres home",
    seed: (entity, batches) => seed(ctx, entity, batches),
    create: (entity, { batchSize }) => pgHome(ctx, entity, batchSize ? { batch_size: batchSize } : {}),
    excludeTypes: EXCLUDE,
    normalizeType: (column, type) => (column === "int8" && type === "Int8" ? "Int16" : type),
  });
});
