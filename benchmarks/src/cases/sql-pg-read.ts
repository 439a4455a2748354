import { runFlow, type Store } from "@hygge/core";
import sql from "@hygge/sql";
import type { BenchCase } from "../case.js";
import { benchContext, PG_URL, ROWS } from "./sql-pg-shared.js";

const TABLE = "hygge_bench_read";

/** The raw driver (loaded untyped: the benchmarks package carries no @types/pg). */
interface PgClient {
  connect(): Promise<void>;
  end(): Promise<void>;
  query(text: unknown): any;
}
interface PgModule {
  Client: new (config: { connectionString: string }) => PgClient;
  Query: new (text: string) => { on(event: string, fn: (arg: any) => void): void };
}
const PG_MODULE = "pg";
const loadPg = async (): Promise<PgModule> => (await import(PG_MODULE)).default;
const QUERY = `SELECT id, name, amount FROM ${TABLE}`;

/** PostgreSQL → Arrow: the postgres home drained by the engine vs the raw pg driver streaming rows. */
export const benchCase: BenchCase = {
  name: "sql-pg-read",
  description: `1M narrow rows (bigint, text, double) from PostgreSQL (${new URL(PG_URL).host}): hygge home → memory vs raw pg`,
  async prepare(_dir, scale) {
    const pg = await loadPg();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
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
  },
  async hygge() {
    const ctx = benchContext("read");
    const home = sql.homes.postgres.create(
      sql.homes.postgres.options.parse({ connection: "bench", query: QUERY, batch_size: 50_000 }),
      ctx,
    );
    // A sink that counts and drops each batch: memory stays flat, only the read path is measured.
    const sink: Store = {
      supports: { runTypes: ["full_drop"] },
      async open() {},
      async write() {},
      async commit() {
        return { rows: 0, locations: [] };
      },
      async abort() {},
    };
    const report = await runFlow({ flow: "bench", home, store: sink });
    await ctx.resources.closeAll();
    return { rows: report.rows, bytes: report.bytes };
  },
  reference: {
    name: "pg (row events)",
    async run() {
      const pg = await loadPg();
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
};
