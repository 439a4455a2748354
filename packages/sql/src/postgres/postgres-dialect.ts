import type { ClientConfig, Pool, PoolConfig } from "pg";
import type { SqlDialect } from "../dialect.js";
import { lazyImport } from "../lazy.js";
import type { PostgresConnectionOptions } from "../options.js";
import { destroyableClientClass, terminateBackend } from "./postgres-client.js";
import { PostgresSession } from "./postgres-session.js";
import { postgresSql } from "./postgres-sql.js";

/** Session settings that make PostgreSQL's text output exact and stable for the parsers. */
export const PG_SESSION_SETUP =
  "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3; SET bytea_output = 'hex'";

const loadPg = () => lazyImport("pg", "postgres", async () => (await import("pg")).default);
const loadCursor = () => lazyImport("pg-cursor", "postgres", async () => (await import("pg-cursor")).default);
const loadCopy = () => lazyImport("pg-copy-streams", "postgres", async () => await import("pg-copy-streams"));

/** What hygge hands to pg for one connection: timeouts, keepalive, the destroyable client. */
export function postgresPoolConfig(
  pg: typeof import("pg").default,
  options: PostgresConnectionOptions,
): PoolConfig {
  const ssl =
    typeof options.ssl === "object"
      ? {
          rejectUnauthorized: options.ssl.reject_unauthorized ?? true,
          ...(options.ssl.ca ? { ca: options.ssl.ca } : {}),
        }
      : options.ssl;
  return {
    Client: destroyableClientClass(pg),
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    ssl,
    max: options.pool_size,
    connectionTimeoutMillis: options.connect_timeout_ms,
    keepAlive: options.keepalive,
    keepAliveInitialDelayMillis: options.keepalive_initial_delay_ms,
    // Sent in the startup packet (no round trip); 0 leaves the server's own setting.
    statement_timeout: options.statement_timeout_ms,
    lock_timeout: options.lock_timeout_ms,
    idle_in_transaction_session_timeout: options.idle_in_transaction_timeout_ms,
    application_name: options.application_name,
  } as unknown as PoolConfig;
}

/** What a session needs to end its backend from outside the pool. */
const terminators = new WeakMap<Pool, (pid: number) => Promise<void>>();

/** One pool per connection per run (created through `ctx.resources`, closed by core at the end). */
export async function createPostgresPool(options: PostgresConnectionOptions): Promise<Pool> {
  const pg = await loadPg();
  const config = postgresPoolConfig(pg, options);
  const pool = new pg.Pool(config);
  terminators.set(pool, (pid) =>
    terminateBackend(
      pg,
      config as ClientConfig,
      pid,
      Math.min(options.cancel_timeout_ms, options.connect_timeout_ms),
    ),
  );
  // Idle clients that die (server restart) must not crash the process: the next query reports it.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => {
    client.query(PG_SESSION_SETUP).catch(() => undefined);
  });
  return pool;
}

export const postgresDialect: SqlDialect = {
  type: "postgres",
  label: "PostgreSQL",
  sql: postgresSql,
  defaultSchema: "public",
  async connect(pool) {
    const [Cursor, copy] = await Promise.all([loadCursor(), loadCopy()]);
    const client = await (pool as Pool).connect();
    return new PostgresSession(
      client,
      { Cursor, copyFrom: copy.from, copyTo: copy.to },
      terminators.get(pool as Pool),
    );
  },
};
