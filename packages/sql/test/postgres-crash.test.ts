import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { stagingPrefix } from "../src/table-ref.js";
import { dropOwnTables, pgStore, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

const child = fileURLToPath(new URL("./fixtures/killed-load.ts", import.meta.url));

describe.each(postgresServers())("a process killed mid-load ($label)", ({ url }) => {
  const ctx = testContext(url);
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });

  it.each([1, 7, 40])(
    "leaves the old table and no staging; the next run publishes (killed after %i batches)",
    async (n) => {
      const table = unique(`crash${n}`);
      await runFlow({
        flow: "sqltest",
        entity: table,
        home: memoryHome(sequenceBatches(25, 10)),
        store: () => pgStore(ctx, table),
      });
      const killed = spawnSync(process.execPath, ["--import", "tsx", child, url, table, String(n)], {
        encoding: "utf8",
      });
      expect([killed.signal, killed.stderr.slice(0, 500)]).toEqual(["SIGKILL", ""]);
      const state = () =>
        withClient(url, async (c) => ({
          ids: (await c.query(`SELECT id FROM "${table}" ORDER BY id`)).rows.map((r) => Number(r.id)),
          staging: (
            await c.query("SELECT 1 FROM pg_tables WHERE starts_with(tablename, $1)", [
              stagingPrefix({ name: table }),
            ])
          ).rowCount,
        }));
      // The server notices the dead client and rolls its transaction back.
      let after = await state();
      for (let i = 0; i < 50 && after.staging !== 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = await state();
      }
      expect(after).toEqual({ ids: Array.from({ length: 25 }, (_, i) => i), staging: 0 });
      const report = await runFlow({
        flow: "sqltest",
        entity: table,
        home: memoryHome(sequenceBatches(3, 3, 7)),
        store: () => pgStore(ctx, table),
      });
      expect(report.rows).toBe(3);
      expect((await state()).ids).toEqual([7, 8, 9]);
    },
  );
});
