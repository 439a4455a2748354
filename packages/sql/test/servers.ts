import { type CreateContext, type ResolvedConnection, RunResources, silentLogger } from "@hygge/core";

export interface TestServer {
  label: string;
  url: string;
  /** True when the server checks passwords (the embedded one does; a trust-auth service does not). */
  checksPasswords: boolean;
}

/** The PostgreSQL servers the suites run against: the embedded one, plus HYGGE_TEST_POSTGRES_URL. */
export function postgresServers(): TestServer[] {
  const out: TestServer[] = [];
  const embedded = process.env.HYGGE_EMBEDDED_POSTGRES_URL;
  if (embedded) out.push({ label: "embedded PostgreSQL 18", url: embedded, checksPasswords: true });
  const service = process.env.HYGGE_TEST_POSTGRES_URL;
  if (service) out.push({ label: "HYGGE_TEST_POSTGRES_URL", url: service, checksPasswords: false });
  return out;
}

export function connectionFromUrl(name: string, url: string): ResolvedConnection {
  const u = new URL(url);
  return {
    name,
    type: "postgres",
    options: {
      host: u.hostname,
      port: Number(u.port || 5432),
      database: decodeURIComponent(u.pathname.slice(1)),
      user: decodeURIComponent(u.username),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    },
  };
}

/** A CreateContext with one connection named `warehouse` and its own run resources. */
export function testContext(
  url: string,
  entity?: string,
  extra: Record<string, ResolvedConnection> = {},
): CreateContext & { resources: RunResources } {
  return {
    flow: "sqltest",
    entity,
    projectDir: process.cwd(),
    connections: { warehouse: connectionFromUrl("warehouse", url), ...extra },
    resources: new RunResources(),
    logger: silentLogger,
  };
}
