import { runProject } from "@hygge/core";
import { afterAll, describe, expect, it } from "@jest/globals";
import plugin from "../src/index.js";
import { dropOwnTables, unique, withClient } from "./pg-helpers.js";
import { connectionFromUrl, postgresServers } from "./servers.js";

describe.each(postgresServers())("a whole project through runProject ($label)", ({ url }) => {
  afterAll(() => dropOwnTables(url));

  it("copies entities between schemas incrementally, resuming from the state committed with the data", async () => {
    const [src, dst] = [unique("srcschema"), unique("dstschema")];
    const entities = ["orders", "Customers-2024"];
    await withClient(url, async (c) => {
      await c.query(`CREATE SCHEMA "${src}"; CREATE SCHEMA "${dst}"`);
      for (const e of entities) {
        await c.query(
          `CREATE TABLE "${src}"."${e}" (id bigint PRIMARY KEY, changed timestamptz(3), note text)`,
        );
        await c.query(
          `INSERT INTO "${src}"."${e}" SELECT g, '2024-01-01'::timestamptz + g * interval '1 second', 'n' || g FROM generate_series(1, 500) g`,
        );
      }
    });
    const { options } = connectionFromUrl("warehouse", url);
    const project = {
      name: "sqltest",
      connections: { warehouse: { type: "postgres", ...options, pool_size: 4 } },
      options: { concurrency: 2 },
      flows: {
        copy: {
          home: { type: "postgres", connection: "warehouse", table: `${src}.{entity}`, batch_size: 64 },
          store: { type: "postgres", connection: "warehouse", table: `${dst}.{entity}` },
          run_type: "incremental" as const,
          watermark: { watermark_column: "changed", primary_key: "id" },
          entities,
        },
      },
    };
    const first = await runProject({ project, plugins: [plugin], projectDir: process.cwd() });
    expect(first.status).toBe("pass");
    expect(first.totals.rows).toBe(1000);
    await withClient(url, (c) =>
      c.query(
        `INSERT INTO "${src}"."orders" VALUES (1000, '2024-01-01'::timestamptz + 500 * interval '1 second', 'same watermark'), (1001, '2024-02-01', 'newer')`,
      ),
    );
    const second = await runProject({ project, plugins: [plugin], projectDir: process.cwd() });
    expect(second.status).toBe("pass");
    expect(Object.fromEntries(second.flows.map((f) => [f.entity, f.rows]))).toEqual({
      orders: 2,
      "Customers-2024": 0,
    });
    const counts = await withClient(url, async (c) =>
      Promise.all(
        entities.map(async (e) =>
          Number(
            (await c.query(`SELECT count(DISTINCT id) AS n, count(*) AS m FROM "${dst}"."${e}"`)).rows[0].m,
          ),
        ),
      ),
    );
    expect(counts).toEqual([502, 500]);
    await withClient(url, (c) => c.query(`DROP SCHEMA "${src}" CASCADE; DROP SCHEMA "${dst}" CASCADE`));
  });
});
