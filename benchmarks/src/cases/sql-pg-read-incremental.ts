import { runFlow } from "@hygge/core";
import sql from "@hygge/sql";
import type { BenchCase } from "../case.js";
import { drainBinaryCopy } from "../reference/pg.js";
import { countingSink } from "./pg-sink.js";
import { prepareReadTable, TABLE } from "./sql-pg-read.js";
import { benchContext, PG_URL } from "./sql-pg-shared.js";

/**
 * Below every id: the run reads all rows, so its figures compare with sql-pg-read's. What differs
 * is the path: a bound watermark (`WHERE id >= $1`) takes the cursor, not binary COPY.
 */
const SINCE = "-1";

/** Incremental PostgreSQL read (the path scheduled jobs run) vs binary COPY of the same rows. */
export const benchCase: BenchCase = {
  name: "sql-pg-read-incremental",
  description: `1M narrow rows from PostgreSQL (${new URL(PG_URL).host}), run_type incremental with an id watermark: hygge home (cursor path, bound parameter) → dropped vs binary COPY of the same WHERE drained as bytes`,
  prepare: (_dir, scale) => prepareReadTable(scale),
  async hygge() {
    const ctx = benchContext(TABLE);
    const home = sql.homes.postgres.create(
      sql.homes.postgres.options.parse({
        connection: "bench",
        table: TABLE,
        columns: ["id", "name", "amount"],
        batch_size: 50_000,
      }),
      ctx,
    );
    const report = await runFlow({
      flow: "bench",
      entity: TABLE,
      home,
      store: countingSink("incremental"),
      runType: "incremental",
      watermark: { column: "id", primaryKey: ["id"] },
      // The sink keeps no state: the engine takes the resume point from here (as from the journal).
      since: { column: "id", kind: "integer", value: SINCE },
    });
    await ctx.resources.closeAll();
    return { rows: report.rows, bytes: report.bytes };
  },
  reference: {
    name: "COPY binary drained (bytes)",
    // COPY takes no bind parameters: the same filter with the watermark inlined.
    run: () => drainBinaryCopy(`SELECT id, name, amount FROM ${TABLE} WHERE id >= ${SINCE}`),
  },
};
