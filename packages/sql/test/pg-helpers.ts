import { type CreateContext, type Home, runFlow, type Store } from "@hygge/core";
import { memoryHome } from "@hygge/core/testing";
import type { RecordBatch } from "apache-arrow";
import pg from "pg";
import plugin from "../src/index.js";

/** Runs `fn` with a plain pg client: the independent side of every check. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function pgStore(ctx: CreateContext, entity: string, options: Record<string, unknown> = {}): Store {
  const o = plugin.stores.postgres.options.parse({ connection: "warehouse", table: "{entity}", ...options });
  return plugin.stores.postgres.create(o, { ...ctx, entity }) as Store;
}

export function pgHome(ctx: CreateContext, entity: string, options: Record<string, unknown> = {}): Home {
  const o = plugin.homes.postgres.options.parse({ connection: "warehouse", table: "{entity}", ...options });
  return plugin.homes.postgres.create(o, { ...ctx, entity }) as Home;
}

export async function readAll(home: Home, entity: string): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  const signal = new AbortController().signal;
  for await (const b of home.read({ signal, flow: "sqltest", entity, runType: "full_drop" })) out.push(b);
  return out;
}

/** Writes `batches` to table `entity` through the store (full_drop). */
export async function seed(ctx: CreateContext, entity: string, batches: RecordBatch[]): Promise<void> {
  await runFlow({ flow: "sqltest", entity, home: memoryHome(batches), store: () => pgStore(ctx, entity) });
}

let n = 0;
/** A table name unique to this process and test. */
export const unique = (label: string) => `t_${label}_${process.pid}_${Date.now().toString(36)}_${++n}`;

/** Drops the tables this test process created (names carry its pid): keeps a shared server tidy. */
export async function dropOwnTables(url: string): Promise<void> {
  await withClient(url, async (c) => {
    const { rows } = await c.query(
      "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS t FROM pg_tables WHERE tablename LIKE $1",
      [`%\\_${process.pid}\\_%`],
    );
    for (const r of rows) await c.query(`DROP TABLE IF EXISTS ${r.t}`);
    await c
      .query("DELETE FROM hygge_state WHERE entity LIKE $1", [`%\\_${process.pid}\\_%`])
      .catch(() => undefined);
  });
}

/** Column types and every row as PostgreSQL prints them: the independent view of a table. */
export const tableDump = (url: string, table: string) =>
  withClient(url, async (c) => ({
    types: (
      await c.query(
        "SELECT attname, format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass(quote_ident($1)) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [table],
      )
    ).rows.map((r) => `${r.attname} ${r.t}`),
    rows: (await c.query(`SELECT t::text AS r FROM "${table}" t ORDER BY id`)).rows.map((r) => r.r as string),
  }));
