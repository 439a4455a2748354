import { createReadStream, createWriteStream, existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { type CreateContext, type HyggePlugin, Registry, runFlow, type Store } from "@hygge/core";
import { sequenceBatches } from "@hygge/core/testing";
import parquet from "@hygge/parquet";
import sql from "@hygge/sql";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import type { BenchCase } from "../case.js";
import { duckdb, fifo, lit, parquetRows } from "../reference/duckdb.js";
import { pgClient } from "../reference/pg.js";
import { prepareReadTable, QUERY } from "./sql-pg-read.js";
import { benchContext, ROWS } from "./sql-pg-shared.js";

/** Parquet is a format: core's file engine makes its home and store. */
const pq = new Registry([parquet as HyggePlugin]);
const BATCH = 65_536;
/** hygge's parquet store defaults (snappy, 122,880-row groups): the reference writes the same. */
const PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880";
/** The columns as PostgreSQL and DuckDB both name them (bigint, text, double precision). */
const CSV_COLUMNS = "columns={'id': 'BIGINT', 'name': 'VARCHAR', 'amount': 'DOUBLE'}";

function parquetStore(dir: string, ctx: CreateContext): Store {
  const def = pq.store("parquet").definition;
  return def.create(def.options.parse({ path: "out" }), { ...ctx, projectDir: dir }) as Store;
}

/** PostgreSQL → Parquet: the postgres home into the parquet store vs PostgreSQL CSV streamed into DuckDB. */
export const toParquet: BenchCase = {
  name: "sql-pg-to-parquet",
  description:
    "1M narrow rows PostgreSQL → Parquet (snappy, 122,880-row groups) through hygge vs COPY … TO STDOUT (csv) streamed into DuckDB (threads=1) writing the same Parquet",
  prepare: (_dir, scale) => prepareReadTable(scale),
  async hygge(dir) {
    rmSync(`${dir}/out`, { recursive: true, force: true });
    const ctx = benchContext("pg_to_parquet");
    const home = sql.homes.postgres.create(
      sql.homes.postgres.options.parse({ connection: "bench", query: QUERY, batch_size: 65_536 }),
      ctx,
    );
    const report = await runFlow({
      flow: "bench",
      entity: "pg_to_parquet",
      home,
      store: parquetStore(dir, ctx),
    });
    await ctx.resources.closeAll();
    return { rows: report.rows, bytes: report.bytes };
  },
  reference: {
    name: "pg COPY csv → DuckDB COPY parquet (threads=1)",
    async run(dir) {
      // DuckDB's postgres extension is not bundled (and cannot be downloaded here): PostgreSQL
      // writes CSV, Node pipes it through a FIFO, DuckDB parses it and writes the Parquet file.
      const out = join(dir, "out-reference.parquet");
      rmSync(out, { force: true });
      const pipe = fifo(dir, "pg-to-duckdb.fifo");
      const client = await pgClient();
      const c = await duckdb();
      const copy = client.query(copyTo(`COPY (${QUERY}) TO STDOUT (FORMAT csv)`));
      let bytes = 0;
      copy.on("data", (chunk: Buffer) => (bytes += chunk.length));
      await Promise.all([
        pipeline(copy, createWriteStream(pipe)),
        c.run(
          `COPY (FROM read_csv(${lit(pipe)}, header=false, auto_detect=false, ${CSV_COLUMNS})) TO ${lit(out)} (${PARQUET_OPTIONS})`,
        ),
      ]);
      await client.end();
      rmSync(pipe);
      return { rows: await parquetRows(c, out), bytes };
    },
  },
};

const FROM_TABLE = "hygge_bench_from_parquet";
const inputDir = (dir: string) => join(dir, "out", "in");

/** Parquet → PostgreSQL: the parquet home into the postgres store vs DuckDB streaming the same file into COPY FROM STDIN. */
export const fromParquet: BenchCase = {
  name: "sql-parquet-to-pg",
  description:
    "1M narrow rows Parquet → PostgreSQL (full_drop) through hygge vs DuckDB (threads=1) reading the same file as CSV into COPY … FROM STDIN (csv), one transaction",
  async prepare(dir, scale) {
    // The input is the Parquet file hygge writes (kept between runs: the store publishes it whole).
    if (existsSync(inputDir(dir)) && readdirSync(inputDir(dir)).some((f) => f.endsWith(".parquet"))) return;
    const ctx = benchContext("in");
    rmSync(`${dir}/out`, { recursive: true, force: true });
    const rows = ROWS * scale;
    await runFlow({
      flow: "bench",
      entity: "in",
      home: {
        async *read() {
          for (let s = 0; s < rows; s += BATCH)
            yield sequenceBatches(Math.min(BATCH, rows - s), BATCH, s)[0]!;
        },
      },
      store: parquetStore(dir, ctx),
    });
  },
  async hygge(dir) {
    const ctx = benchContext(FROM_TABLE);
    const def = pq.home("parquet").definition;
    const home = () =>
      def.create(def.options.parse({ path: "out/in" }), { ...ctx, entity: undefined, projectDir: dir });
    const store = sql.stores.postgres.create(
      sql.stores.postgres.options.parse({ connection: "bench", table: FROM_TABLE }),
      ctx,
    );
    const report = await runFlow({ flow: "bench", home, store });
    await ctx.resources.closeAll();
    return { rows: report.rows, bytes: report.bytes };
  },
  reference: {
    name: "DuckDB COPY csv (threads=1) → pg COPY FROM STDIN csv",
    async run(dir) {
      // DuckDB writes no PostgreSQL binary COPY: it writes CSV into a FIFO, Node streams that into
      // COPY FROM STDIN. The table is dropped, created and loaded in one transaction (hygge loads
      // a staging table and swaps it in, also in one transaction).
      const table = `${FROM_TABLE}_ref`;
      const pipe = fifo(dir, "duckdb-to-pg.fifo");
      const client = await pgClient();
      const c = await duckdb();
      await client.query("BEGIN");
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.query(`CREATE TABLE ${table} (id bigint, name text, amount double precision)`);
      const source = createReadStream(pipe);
      let bytes = 0;
      source.on("data", (chunk) => (bytes += chunk.length));
      await Promise.all([
        pipeline(source, client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT csv)`))),
        c.run(
          `COPY (FROM read_parquet(${lit(join(inputDir(dir), "*.parquet"))})) TO ${lit(pipe)} (FORMAT csv, HEADER false, USE_TMP_FILE false)`,
        ),
      ]);
      await client.query("COMMIT");
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
      await client.end();
      rmSync(pipe);
      return { rows: rows[0].n as number, bytes };
    },
  },
};
