import type { ConnectionPool, config } from "mssql";
import type { SqlDialect } from "../dialect.js";
import { lazyImport } from "../lazy.js";
import type { MssqlConnectionOptions } from "../options.js";
import { MssqlSession } from "./mssql-session.js";
import { mssqlSql } from "./mssql-sql.js";

const loadMssql = () => lazyImport("mssql", "mssql", async () => (await import("mssql")).default);

function authentication(o: MssqlConnectionOptions) {
  const ad = o.azure_ad;
  if (!ad) return undefined;
  if (ad.type === "default")
    return { type: "azure-active-directory-default", options: { clientId: ad.client_id } };
  if (ad.type === "password") {
    return {
      type: "azure-active-directory-password",
      options: { userName: o.user, password: o.password, clientId: ad.client_id, tenantId: ad.tenant_id },
    };
  }
  return {
    type: "azure-active-directory-service-principal-secret",
    options: { clientId: ad.client_id, clientSecret: ad.client_secret, tenantId: ad.tenant_id },
  };
}

/** What hygge hands to mssql/tedious for one connection (unit-tested: no server needed). */
export function mssqlPoolConfig(o: MssqlConnectionOptions): config {
  const auth = authentication(o);
  return {
    server: o.server,
    port: o.port,
    database: o.database,
    ...(auth ? { authentication: auth as never } : { user: o.user, password: o.password }),
    pool: { max: o.pool_size, min: 0 },
    connectionTimeout: o.connect_timeout_ms,
    requestTimeout: o.request_timeout_ms,
    options: {
      encrypt: o.encrypt,
      trustServerCertificate: o.trust_server_certificate,
      useUTC: true,
      // Waiting for the server to acknowledge a cancel; tedious closes the connection after it.
      cancelTimeout: o.cancel_timeout_ms,
      // TCP keepalive is always on in tedious (first probe after 30 s): nothing to set.
    },
  };
}

/** One pool per connection per run (created through `ctx.resources`, closed by core at the end). */
export async function createMssqlPool(o: MssqlConnectionOptions): Promise<ConnectionPool> {
  const sql = await loadMssql();
  const pool = new sql.ConnectionPool(mssqlPoolConfig(o));
  pool.on("error", () => undefined);
  await pool.connect();
  return pool;
}

export const mssqlDialect: SqlDialect = {
  type: "mssql",
  label: "SQL Server",
  sql: mssqlSql,
  defaultSchema: "dbo",
  async connect(pool) {
    return new MssqlSession(await loadMssql(), pool as ConnectionPool);
  },
};
