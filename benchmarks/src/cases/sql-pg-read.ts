import { runFlow } from "@hygge/core";
import sql from "@hygge/sql";
import pg from "pg";
import type { BenchCase } from "../case.js";
import { drainBinaryCopy, pgClient } from "../reference/pg.js";
import { countingSink } from "./pg-sink.js";
import { benchContext, PG_URL, ROWS } from "./sql-pg-shared.js";

export const TABLE = "hygge_bench_read";
export const QUERY = `SELECT id, name, amount FROM ${TABLE}`;

/** The table every PostgreSQL read case reads (kept between runs when it has the right size). */
export async function prepareReadTable(scale: number): Promise<void> {
  const client = await pgClient();
  const rows = ROWS * scale;
  const r = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = '${TABLE}'`);
  const have = r.rows[0].n ? (await client.query(`SELECT count(*)::int AS n FROM ${TABLE}`)).rows[0].n : 0;
  if (have !== rows) {
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await client.query(
      `CREATE TABLE ${TABLE} AS SELECT g::bigint AS id, 'name-' || g AS name, g / 4.0::float8 AS amount FROM generate_series(0, ${rows - 1}) g`,
    );
    await client.query(`VACUUM ANALYZE ${TABLE}`);
  }
  await client.end();
}

/** PostgreSQL → Arrow (full read: binary COPY) vs the same COPY drained as bytes. */
export const benchCase: BenchCase = {
  name: "sql-pg-read",
  description: `1M narrow rows (bigint, text, double) from PostgreSQL (${new URL(PG_URL).host}): hygge home (binary COPY → Arrow) → dropped vs the same binary COPY drained as bytes`,
  prepare: (_dir, scale) => prepareReadTable(scale),
  async hygge() {
    const ctx = benchContext("read");
    const home = sql.homes.postgres.create(
      sql.homes.postgres.options.parse({ connection: "bench", query: QUERY, batch_size: 50_000 }),
      ctx,
    );
    const report = await runFlow({ flow: "bench", home, store: countingSink() });
    await ctx.resources.closeAll();
    return { rows: report.rows, bytes: report.bytes };
  },
  reference: {
    name: "COPY binary drained (bytes)",
    run: () => drainBinaryCopy(QUERY),
  },
  context: [
    {
      // What an application using pg directly gets: one JS object per row, over the text protocol.
      name: "pg row events (text protocol, JS objects)",
      async run() {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        let rows = 0;
        let bytes = 0;
        await new Promise<void>((resolve, reject) => {
          const q = client.query(new pg.Query(QUERY));
          q.on("row", (row: { name: string }) => {
            rows++;
            bytes += 16 + row.name.length;
          });
          q.on("end", () => resolve());
          q.on("error", reject);
        });
        await client.end();
        return { rows, bytes };
      },
    },
  ],
};
