import pg from "pg";
import type { Destination, RowsSpec, Source } from "./fault-harness.js";

export const pgUrl = process.env.HYGGE_TEST_POSTGRES_URL;

export function connectionsYaml(url: string): string {
  const u = new URL(url);
  return [
    "connections:",
    "  wh:",
    "    type: postgres",
    `    host: ${u.hostname}`,
    `    port: ${u.port || 5432}`,
    `    database: ${u.pathname.slice(1) || "postgres"}`,
    `    user: ${decodeURIComponent(u.username) || "postgres"}`,
    ...(u.password ? ["    password: ${HYGGE_FAULT_PGPASSWORD}"] : []),
    "",
  ].join("\n");
}

async function client(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/** Source tables <schema>.<entity> (id bigint primary key, ts bigint, payload text). */
export async function pgSource(url: string, schema: string): Promise<Source & { close(): Promise<void> }> {
  const c = await client(url);
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);
  const created = new Set<string>();
  return {
    homeYaml: `{ type: postgres, connection: wh, table: "${schema}.{entity}", batch_size: 1000 }`,
    async add(entity: string, r: RowsSpec) {
      if (!created.has(entity)) {
        await c.query(
          `CREATE TABLE "${schema}"."${entity}" (id bigint primary key, ts bigint not null, payload text)`,
        );
        created.add(entity);
      }
      await c.query(
        `INSERT INTO "${schema}"."${entity}" SELECT $1::bigint + i, $2::bigint + (i % 3), 'row-' || ($1::bigint + i)
           FROM generate_series(0, $3::int - 1) i`,
        [r.startId, r.baseTs, r.count],
      );
    },
    async close() {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/** Destination tables <schema>.<entity>; anything else in the schema but the state table is a stray. */
export async function pgDestination(
  url: string,
  schema: string,
): Promise<Destination & { close(): Promise<void> }> {
  const c = await client(url);
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);
  return {
    storeYaml: `{ type: postgres, connection: wh, table: "${schema}.{entity}" }`,
    async inspect(entity: string, below = 0) {
      const tables = await c.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
        [schema],
      );
      const strays = tables.rows
        .map((t) => t.table_name)
        .filter((t) => !/^(alpha|beta|hygge_state)$/.test(t));
      const r = await c.query(
        `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS mi, max(id)::int AS ma,
                max(ts)::int AS mt, coalesce(sum(ts), 0)::float8 AS st,
                count(*) FILTER (WHERE payload IS DISTINCT FROM 'row-' || id)::int AS bad,
                count(*) FILTER (WHERE id < $1)::int AS below
           FROM "${schema}"."${entity}"`,
        [below],
      );
      const s = r.rows[0];
      return {
        n: s.n,
        distinctIds: s.d,
        minId: s.mi,
        maxId: s.ma,
        maxTs: s.mt,
        sumTs: s.st,
        badPayloads: s.bad,
        below: s.below,
        strays,
      };
    },
    async close() {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}
