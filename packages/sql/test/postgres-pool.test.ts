import { type ResourceScope, RunResources, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import { dropOwnTables, pgHome, pgStore, readAll, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

describe.each(postgresServers())("PostgreSQL pools ($label)", ({ url }) => {
  afterAll(() => dropOwnTables(url));
  it("every home and store of a run shares one pool per connection, closed with the run", async () => {
    const app = `hygge-pooltest-${process.pid}`;
    const base = new RunResources();
    let created = 0;
    const resources: ResourceScope = {
      get: (key, create, dispose) =>
        base.get(
          key,
          () => {
            created++;
            return create();
          },
          dispose,
        ),
    };
    const ctx = { ...testContext(url), resources };
    ctx.connections.warehouse!.options.application_name = app;
    const table = unique("pool");
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(sequenceBatches(30, 10)),
      store: () => pgStore(ctx, table),
    });
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(sequenceBatches(30, 10)),
      store: () => pgStore(ctx, table),
    });
    expect((await readAll(pgHome(ctx, table), table)).reduce((n, b) => n + b.numRows, 0)).toBe(30);
    expect(created).toBe(1);
    const open = () =>
      withClient(url, async (c) =>
        Number(
          (await c.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", [app]))
            .rows[0].n,
        ),
      );
    expect(await open()).toBeGreaterThan(0);
    await base.closeAll();
    let left = await open();
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      left = await open();
    }
    expect(left).toBe(0);
  });
});
