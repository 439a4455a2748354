import { type CreateContext, RunResources, silentLogger } from "@hygge/core";
import type { ConnectionPool } from "mssql";
import { mssqlPoolConfig } from "../src/mssql/mssql-dialect.js";
import { mssqlConnectionOptions } from "../src/options.js";

/** The live SQL Server of the suites (mssql://user:password@host:1433/database?…), if any. */
export const mssqlUrl = process.env.HYGGE_TEST_MSSQL_URL;

/** Connection options of HYGGE_TEST_MSSQL_URL (a placeholder when unset: the suites are skipped). */
export function mssqlConnectionFromUrl() {
  const u = new URL(mssqlUrl ?? "mssql://sa:x@localhost:1433/master");
  return {
    server: u.hostname,
    port: Number(u.port || 1433),
    database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    encrypt: u.searchParams.get("encrypt") !== "false",
    trust_server_certificate: u.searchParams.get("trust_server_certificate") === "true",
  };
}

/** A CreateContext with one SQL Server connection named `warehouse`. */
export function mssqlTestContext(flow: string): CreateContext & { resources: RunResources } {
  return {
    flow,
    projectDir: process.cwd(),
    connections: { warehouse: { name: "warehouse", type: "mssql", options: mssqlConnectionFromUrl() } },
    resources: new RunResources(),
    logger: silentLogger,
  };
}

/** Runs `fn` on a pool of its own: the independent side of the checks. */
export async function withMssql<T>(fn: (pool: ConnectionPool) => Promise<T>): Promise<T> {
  // Loaded only when a suite runs (its Azure dependencies do not load under jest's ESM mode).
  const sql = (await import("mssql")).default;
  const pool = new sql.ConnectionPool(
    mssqlPoolConfig(mssqlConnectionOptions.parse(mssqlConnectionFromUrl())),
  );
  await pool.connect();
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}
