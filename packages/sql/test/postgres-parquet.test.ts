import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HyggePlugin, Store } from "@hygge/core";
import { runFlow } from "@hygge/core";
import { typeMatrix } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { dropOwnTables, pgHome, pgStore, seed, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

// @hygge/parquet is built by another package; without its dist this round trip is reported skipped.
const parquet = (await import("@hygge/parquet")
  .then((m) => m.default as HyggePlugin)
  .catch(() => undefined)) as HyggePlugin | undefined;
const maybe = parquet ? it : it.skip;

/** Every value of a table as PostgreSQL prints it, plus its column types: the independent view. */
const dump = (url: string, table: string) =>
  withClient(url, async (c) => ({
    types: (
      await c.query(
        "SELECT attname, format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass(quote_ident($1)) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [table],
      )
    ).rows,
    rows: (await c.query(`SELECT row_to_json(t)::text AS r FROM "${table}" t ORDER BY id`)).rows.map(
      (r) => r.r,
    ),
  }));

describe.each(postgresServers())("PostgreSQL → Parquet → PostgreSQL ($label)", ({ url }) => {
  const ctx = testContext(url);
  const dirs: string[] = [];
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  maybe("round-trips the type matrix value by value and type by type", async () => {
    const source = unique("pq_src");
    const target = unique("pq_dst");
    const dir = await mkdtemp(join(tmpdir(), "hygge-sql-pq-"));
    dirs.push(dir);
    // Nested columns become jsonb and come back as text; nanoseconds do not fit PostgreSQL.
    await seed(ctx, source, [typeMatrix(["ts_ns", "list_int32", "struct"])]);
    const pq = parquet!;
    const pqCtx = { ...ctx, projectDir: dir, entity: "m" };
    await runFlow({
      flow: "sqltest",
      entity: "m",
      home: pgHome(ctx, source),
      store: () =>
        pq.stores!.parquet!.create(pq.stores!.parquet!.options.parse({ path: "out" }), pqCtx) as Store,
    });
    await runFlow({
      flow: "sqltest",
      entity: "m",
      home: () => pq.homes!.parquet!.create(pq.homes!.parquet!.options.parse({ path: "out" }), pqCtx),
      store: () => pgStore(ctx, "m", { table: target }),
    });
    const [a, b] = [await dump(url, source), await dump(url, target)];
    expect(b.types).toEqual(a.types);
    expect(b.rows).toEqual(a.rows);
    expect(a.rows).toHaveLength(5);
  });
});
