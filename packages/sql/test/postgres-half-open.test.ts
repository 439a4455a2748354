import { createConnection, createServer, type Server, type Socket } from "node:net";
import { sequenceBatches } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import { dropOwnTables, pgStore, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

/**
 * A TCP proxy in front of the server that can turn into a black hole: from then on nothing is
 * forwarded either way and nothing is closed, as with a half-open connection or a dead path.
 */
async function proxy(target: URL): Promise<{ port: number; blackhole(): void; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  let dark = false;
  const server: Server = createServer((client) => {
    sockets.push(client);
    if (dark) return;
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    sockets.push(upstream);
    const forward = (from: Socket, to: Socket) =>
      from.on("data", (chunk) => {
        if (!dark) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    for (const s of [client, upstream]) s.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    blackhole: () => {
      dark = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe.each(postgresServers())("PostgreSQL behind a half-open connection ($label)", ({ url }) => {
  afterAll(() => dropOwnTables(url));

  it("abort(), close() and closing the pool return within the timeouts while commit() hangs", async () => {
    const p = await proxy(new URL(url));
    const via = new URL(url);
    via.port = String(p.port);
    const ctx = testContext(via.toString());
    Object.assign(ctx.connections.warehouse!.options, {
      cancel_timeout_ms: 1_000,
      connect_timeout_ms: 1_000,
    });
    const table = unique("halfopen");
    const store = pgStore(ctx, table);
    const signal = new AbortController().signal;
    try {
      await store.open({ signal, flow: "sqltest", entity: table, runId: "r1", runType: "full_drop" });
      await store.write(sequenceBatches(10, 10)[0] as RecordBatch);
      p.blackhole();
      const committing = store
        .commit({
          runId: "r1",
          runType: "full_drop",
          flow: "sqltest",
          entity: table,
          committedAt: new Date().toISOString(),
        })
        .then(
          () => "committed",
          () => "failed",
        );
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await store.abort(new Error("the engine gave up waiting"));
      await store.close!();
      await ctx.resources.closeAll();
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(await committing).toBe("failed");
    } finally {
      await p.close();
    }
    // Once the proxy is gone the server ends the backend: nothing was published.
    await new Promise((r) => setTimeout(r, 300));
    expect(
      await withClient(
        url,
        async (c) => (await c.query("SELECT to_regclass($1) AS t", [`"${table}"`])).rows[0].t,
      ),
    ).toBeNull();
  });
});
