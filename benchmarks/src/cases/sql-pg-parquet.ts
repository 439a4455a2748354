import { rmSync } from "node:fs";
import { type CreateContext, type HyggePlugin, runFlow, type Store } from "@hygge/core";
import { sequenceBatches } from "@hygge/core/testing";
import parquet from "@hygge/parquet";
import sql from "@hygge/sql";
import type { BenchCase } from "../case.js";
import { benchCase as readCase } from "./sql-pg-read.js";
import { benchContext, ROWS } from "./sql-pg-shared.js";
import { benchCase as writeCase } from "./sql-pg-write.js";

const pq = parquet as HyggePlugin;
const BATCH = 65_536;

function parquetStore(dir: string, ctx: CreateContext): Store {
  const def = pq.stores!.parquet!;
  return def.create(def.options.parse({ path: "out" }), { ...ctx, projectDir: dir }) as Store;
}

/** PostgreSQL → Parquet: the postgres home into the parquet store vs the raw pg driver draining the query. */
export const toParquet: BenchCase = {
  name: "sql-pg-to-parquet",
  description: "1M narrow rows PostgreSQL → Parquet (snappy) through hygge vs raw pg draining the same query",
  prepare: readCase.prepare,
  async hygge(dir) {
    rmSync(`${dir}/out`, { recursive: true, force: true });
    const ctx = benchContext("pg_to_parquet");
    const home = sql.homes.postgres.create(
      sql.homes.postgres.options.parse({
        connection: "bench",
        query: "SELECT id, name, amount FROM hygge_bench_read",
        batch_size: 65_536,
      }),
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
  reference: readCase.reference,
};

/** Parquet → PostgreSQL: the parquet home into the postgres store vs psql \copy of the same rows. */
export const fromParquet: BenchCase = {
  name: "sql-parquet-to-pg",
  description:
    "1M narrow rows Parquet → PostgreSQL (full_drop) through hygge vs psql \\copy of the same rows",
  async prepare(dir, scale) {
    await writeCase.prepare(dir, scale);
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
    const ctx = benchContext("hygge_bench_from_parquet");
    const def = pq.homes!.parquet!;
    const home = () =>
      def.create(def.options.parse({ path: "out/in" }), { ...ctx, entity: undefined, projectDir: dir });
    const store = sql.stores.postgres.create(
      sql.stores.postgres.options.parse({ connection: "bench", table: "hygge_bench_from_parquet" }),
      ctx,
    );
    const report = await runFlow({ flow: "bench", home, store });
    await ctx.resources.closeAll();
    return { rows: report.rows, bytes: report.bytes };
  },
  reference: writeCase.reference,
};
