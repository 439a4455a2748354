import { type CreateContext, RunResources, silentLogger } from "@hygge/core";

/** The local PostgreSQL service the SQL benchmarks use (the same one CI tests against). */
export const PG_URL = process.env.HYGGE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const ROWS = 1_000_000;

export function benchContext(entity: string): CreateContext & { resources: RunResources } {
  const u = new URL(PG_URL);
  return {
    flow: "bench",
    entity,
    projectDir: process.cwd(),
    connections: {
      bench: {
        name: "bench",
        type: "postgres",
        options: {
          host: u.hostname,
          port: Number(u.port || 5432),
          database: decodeURIComponent(u.pathname.slice(1)),
          user: decodeURIComponent(u.username),
          ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
        },
      },
    },
    resources: new RunResources(),
    logger: silentLogger,
  };
}
