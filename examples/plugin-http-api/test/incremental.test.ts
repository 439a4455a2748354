// Incremental runs: the committed watermark goes out as watermark_param; the engine's boundary
// rule drops the rows at the watermark that were already loaded.

import { batchToRows, type HyggeError, runFlow } from "@hygge/core";
import { MemoryBackend, memoryStore } from "@hygge/core/testing";
import { afterEach, describe, expect, it } from "@jest/globals";
import { type HttpApiOptions, httpApiHome } from "../src/index.js";
import { startServer, type TestServer } from "./server.js";

let server: TestServer | undefined;
afterEach(() => server?.close());

const at = (s: number) => `2024-01-01T00:00:0${s}Z`;
const options = (): HttpApiOptions => ({
  url: `${server!.base}/v1/{entity}?limit=2`,
  items: "data",
  next: "next_cursor",
  cursor_param: "cursor",
  columns: "id int64 not null, updated_at timestamp[us, UTC] not null, amount decimal(12, 2)",
  headers: {},
  watermark_param: "updated_since",
  batch_size: 1000,
  timeout_ms: 5_000,
  max_retry_after_ms: 0,
});

/** An API that returns the rows updated at or after updated_since, two a page. */
function api(rows: { id: number; updated_at: string; amount: string }[]) {
  return (url: URL) => {
    const since = url.searchParams.get("updated_since");
    const all = rows.filter((r) => since === null || Date.parse(r.updated_at) >= Date.parse(since));
    const from = Number(url.searchParams.get("cursor") ?? 0);
    return {
      body: { data: all.slice(from, from + 2), next_cursor: from + 2 < all.length ? from + 2 : null },
    };
  };
}

const run = (backend: MemoryBackend) =>
  runFlow({
    flow: "api",
    entity: "orders",
    runType: "incremental",
    watermark: { column: "updated_at", primaryKey: ["id"] },
    home: () => httpApiHome(options(), "orders"),
    store: memoryStore(backend, "orders"),
  });

describe("http_api incremental", () => {
  it("sends the committed watermark and loads only the new rows, including a late row at the boundary", async () => {
    const rows = [
      { id: 1, updated_at: at(1), amount: "1.10" },
      { id: 2, updated_at: at(2), amount: "2.20" },
      { id: 3, updated_at: at(3), amount: "3.30" },
    ];
    server = await startServer(api(rows));
    const backend = new MemoryBackend();
    const first = await run(backend);
    expect(first.status).toBe("pass");
    expect(first.rows).toBe(3);
    expect(server.requests[0]!.url.searchParams.has("updated_since")).toBe(false);

    rows.push({ id: 4, updated_at: at(3), amount: "4.40" }, { id: 5, updated_at: at(4), amount: "5.50" });
    server.requests.length = 0;
    const second = await run(backend);
    expect(second.status).toBe("pass");
    expect(second.rows).toBe(2);
    expect(server.requests[0]!.url.searchParams.get("updated_since")).toMatch(
      /^2024-01-01T00:00:03(\.0+)?Z$/,
    );
    expect(
      backend
        .get("orders")!
        .flatMap(batchToRows)
        .map((r) => [r.id, r.amount]),
    ).toEqual([
      [1n, "1.10"],
      [2n, "2.20"],
      [3n, "3.30"],
      [4n, "4.40"],
      [5n, "5.50"],
    ]);

    server.requests.length = 0;
    const third = await run(backend);
    expect(third.rows).toBe(0);
    expect(backend.rows("orders")).toBe(5);
  });

  it("an incremental run without watermark_param is refused with what to set", async () => {
    server = await startServer(() => ({ body: { data: [] } }));
    const home = httpApiHome({ ...options(), watermark_param: undefined }, "orders");
    const ctx = {
      signal: new AbortController().signal,
      flow: "api",
      entity: "orders",
      runType: "incremental" as const,
      watermark: { column: "updated_at", primaryKey: ["id"] },
    };
    const e = await (async () => {
      for await (const _ of home.read(ctx));
    })().then(
      () => undefined,
      (x: HyggeError) => x,
    );
    expect(e?.code).toBe("CONFIG_INVALID");
    expect(e?.hint).toMatch(/watermark_param/);
    expect(server.requests).toHaveLength(0);
  });
});
