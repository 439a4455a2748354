import { Socket } from "node:net";
import type pg from "pg";

type PgModule = typeof pg;

/** A pg client that hygge can destroy: its socket is hygge's own (pg's public `stream` option). */
export interface DestroyableClient extends pg.Client {
  /** Ends the socket now: no goodbye, no waiting for an answer that may never come. */
  destroy(): void;
}

/** How long a graceful `end()` may take before the socket is destroyed. */
const END_GRACE_MS = 2_000;

/**
 * The pool's client class (pg-pool's public `Client` option). pg only half-closes the socket on
 * `end()`: against a half-open connection that socket would linger, and a statement waiting on it
 * would wait forever. This class owns the socket, so an abandoned connection is really gone.
 */
export function destroyableClientClass(
  pgModule: PgModule,
): new (
  config: pg.ClientConfig,
) => DestroyableClient {
  return class HyggeClient extends pgModule.Client implements DestroyableClient {
    private readonly socket: Socket;
    constructor(config: pg.ClientConfig) {
      const socket = new Socket();
      // Copied with descriptors: pg-pool keeps the password non-enumerable (out of logs).
      const own = Object.defineProperties({}, Object.getOwnPropertyDescriptors(config)) as pg.ClientConfig;
      own.stream = () => socket;
      super(own);
      this.socket = socket;
    }
    destroy(): void {
      this.socket.destroy();
    }
    // pg's overloads: end(callback) or end() returning a promise.
    override end(...args: any[]): any {
      const timer = setTimeout(() => this.socket.destroy(), END_GRACE_MS);
      timer.unref();
      this.socket.once("close", () => clearTimeout(timer));
      return (super.end as (...a: unknown[]) => unknown)(...args);
    }
  };
}

/**
 * Ends server backend `pid` from a fresh connection (not from the pool, which may be exhausted
 * or closing) and waits until it is gone, for at most `timeoutMs`. Only a backend of the same
 * user and application name is touched. Never throws: the socket is already destroyed, and a
 * backend that outlives this notices it at its next read or write.
 */
export async function terminateBackend(
  pgModule: PgModule,
  config: pg.ClientConfig,
  pid: number,
  timeoutMs: number,
): Promise<void> {
  const Client = destroyableClientClass(pgModule);
  const client = new Client({ ...config, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs });
  client.on("error", () => undefined);
  const deadline = Date.now() + timeoutMs;
  const timer = setTimeout(() => client.destroy(), timeoutMs);
  try {
    await client.connect();
    const { rows } = await client.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE pid = $1 AND usename = current_user AND application_name = $2",
      [pid, config.application_name ?? ""],
    );
    if (!rows[0]?.ok) return;
    while (Date.now() < deadline) {
      const left = await client.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid]);
      if (left.rows.length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch {
    // Unreachable server or no permission: nothing more can be done from here.
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}
