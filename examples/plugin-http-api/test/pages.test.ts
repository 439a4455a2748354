// Pages, cursors, exact values and HTTP errors against a local server.

import { batchToRows, type HyggeError, runFlow, typeNameOf } from "@hygge/core";
import { MemoryBackend, memoryStore } from "@hygge/core/testing";
import { afterEach, describe, expect, it } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import { type HttpApiOptions, httpApiHome } from "../src/index.js";
import { type Answer, startServer, type TestServer } from "./server.js";

let server: TestServer | undefined;
afterEach(() => server?.close());

const COLUMNS = "id int64 not null, updated_at timestamp[us, UTC], amount decimal(12, 2)";
const options = (o: Partial<HttpApiOptions>): HttpApiOptions => ({
  url: `${server!.base}/v1/{entity}`,
  items: "data",
  columns: COLUMNS,
  headers: {},
  batch_size: 10_000,
  timeout_ms: 5_000,
  max_retry_after_ms: 0,
  ...o,
});
const ctx = () => ({
  signal: new AbortController().signal,
  flow: "f",
  entity: "orders",
  runType: "full_drop" as const,
});
async function readAll(o: HttpApiOptions): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of httpApiHome(o, "orders").read(ctx())) out.push(b);
  return out;
}
const rowsOf = (batches: RecordBatch[]) => batches.flatMap(batchToRows);
const failure = (o: HttpApiOptions) =>
  readAll(o).then(
    () => undefined,
    (e: HyggeError) => e,
  );

describe("http_api pages", () => {
  it("follows next URLs (relative and absolute) and rebatches pages to batch_size", async () => {
    const pages = (): Record<string, Answer> => ({
      "/v1/orders": { body: { data: [{ id: 1 }, { id: 2 }], links: { next: "/v1/orders?page=2" } } },
      "/v1/orders?page=2": {
        body: { data: [{ id: "3" }], links: { next: `${server?.base}/v1/orders?page=3` } },
      },
      "/v1/orders?page=3": { body: { data: [{ id: 4 }], links: { next: null } } },
    });
    server = await startServer((url) => pages()[url.pathname + url.search] ?? { status: 404 });
    const got = await readAll(options({ columns: "id int64 not null", next: "links.next", batch_size: 3 }));
    expect(got.map((b) => b.numRows)).toEqual([3, 1]);
    expect(rowsOf(got)).toEqual([{ id: 1n }, { id: 2n }, { id: 3n }, { id: 4n }]);
    expect(server.requests.map((r) => r.url.search)).toEqual(["", "?page=2", "?page=3"]);
  });

  it("sends a cursor token as cursor_param, with the headers", async () => {
    server = await startServer((url) => {
      const c = url.searchParams.get("after");
      if (c === null) return { body: { data: [{ id: 1 }], meta: { cursor: "abc" } } };
      if (c === "abc") return { body: { data: [{ id: 2 }], meta: {} } };
      return { status: 400 };
    });
    const got = await readAll(
      options({
        columns: "id int64",
        next: "meta.cursor",
        cursor_param: "after",
        headers: { "x-api-token": "s3cret" },
      }),
    );
    expect(rowsOf(got)).toEqual([{ id: 1n }, { id: 2n }]);
    expect(server.requests.map((r) => r.headers["x-api-token"])).toEqual(["s3cret", "s3cret"]);
  });

  it("reads an empty first page as one empty batch with the declared columns", async () => {
    server = await startServer(() => ({ body: { data: [] } }));
    const got = await readAll(options({ next: "next" }));
    expect(got).toHaveLength(1);
    expect(got[0]!.numRows).toBe(0);
    expect(
      got[0]!.schema.fields.map((f) => `${f.name} ${typeNameOf(f)}${f.nullable ? "" : " not null"}`),
    ).toEqual(["id int64 not null", "updated_at timestamp[us, UTC]", "amount decimal(12, 2)"]);
  });

  it("carries int64, timestamps and decimals exactly", async () => {
    const data = [
      { id: "9223372036854775807", updated_at: "2024-01-01T00:00:00.123456Z", amount: "9999999999.99" },
      { id: -5, updated_at: "1969-12-31T23:59:59.999999+00:00", amount: "-0.01" },
    ];
    server = await startServer(() => ({ body: { data } }));
    expect(rowsOf(await readAll(options({})))).toEqual([
      { id: 9223372036854775807n, updated_at: 1704067200123456n, amount: "9999999999.99" },
      { id: -5n, updated_at: -1n, amount: "-0.01" },
    ]);
  });

  it("refuses an int64 sent as a JSON number past 2^53, naming the row and column; the same as a string passes", async () => {
    server = await startServer(() => ({ body: '{"data":[{"id":1},{"id":1152921504606846976}]}' }));
    const e = await failure(options({ columns: "id int64" }));
    expect(e?.code).toBe("HOME_READ_FAILED");
    expect(e?.message).toMatch(/row 1, column id/);
    expect(e?.hint).toBeTruthy();
    await server.close();
    server = await startServer(() => ({ body: '{"data":[{"id":1},{"id":"1152921504606846976"}]}' }));
    expect(rowsOf(await readAll(options({ columns: "id int64" })))).toEqual([{ id: 1n }, { id: 2n ** 60n }]);
  });

  it("refuses a url that is not absolute http(s), and columns it cannot parse, before any request", async () => {
    server = await startServer(() => ({ body: { data: [] } }));
    expect(() => httpApiHome(options({ url: "/v1/orders" }), "orders")).toThrow(
      /not an absolute http\(s\) URL/,
    );
    expect(() => httpApiHome(options({ url: "ftp://x/{entity}" }), "orders")).toThrow(/not an absolute/);
    expect(() => httpApiHome(options({ columns: "id int65" }), "orders")).toThrow(/^columns: /);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a record key that is not a declared column", async () => {
    server = await startServer(() => ({ body: { data: [{ id: 1, extra: true }] } }));
    const e = await failure(options({ columns: "id int64" }));
    expect(e?.message).toMatch(/row 0 has a key "extra"/);
  });
});

describe("http_api errors", () => {
  it("a 404 names the status and the URL without its secrets, with a hint, not transient", async () => {
    server = await startServer(() => ({ status: 404, body: { error: "no such thing" } }));
    const e = await failure(
      options({
        url: `${server.base}/v1/{entity}?api_key=k3y&limit=5`,
        headers: { authorization: "Bearer t0ken" },
      }),
    );
    expect(e?.code).toBe("HOME_READ_FAILED");
    expect(e?.transient).toBe(false);
    expect(e?.message).toBe(`GET ${server.base}/v1/orders?api_key=***&limit=5 answered 404 Not Found`);
    expect(e?.hint).toMatch(/check url/);
    expect(`${e?.message} ${e?.hint}`).not.toMatch(/k3y|t0ken/);
  });

  it("a 500 is transient: the engine's retry reads again and succeeds", async () => {
    server = await startServer((_url, n) => (n === 1 ? { status: 500 } : { body: { data: [{ id: 7 }] } }));
    const backend = new MemoryBackend();
    const report = await runFlow({
      flow: "api",
      entity: "orders",
      home: () => httpApiHome(options({ columns: "id int64" }), "orders"),
      store: memoryStore(backend, "orders"),
      retry: { retries: 2, delayMs: 10 },
    });
    expect(report.status).toBe("pass");
    expect(report.attempts).toBe(2);
    expect(rowsOf(backend.get("orders")!)).toEqual([{ id: 7n }]);
  });

  it("a 429 names its Retry-After, and waits for it in place when short enough", async () => {
    server = await startServer((_url, n) =>
      n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { body: { data: [{ id: 1 }] } },
    );
    const e = await failure(options({ columns: "id int64" }));
    expect(e?.transient).toBe(true);
    expect(e?.message).toMatch(/answered 429 Too Many Requests \(Retry-After: 1\)/);
    const started = Date.now();
    server.requests.length = 0;
    const again = await startServer((_url, n) =>
      n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { body: { data: [{ id: 1 }] } },
    );
    await server.close();
    server = again;
    expect(rowsOf(await readAll(options({ columns: "id int64", max_retry_after_ms: 2_000 })))).toEqual([
      { id: 1n },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it("a refused connection is a transient CONNECTION_FAILED naming the cause", async () => {
    const gone = await startServer(() => ({}));
    await gone.close();
    const e = await failure(options({ url: `${gone.base}/v1/{entity}` }));
    expect(e?.code).toBe("CONNECTION_FAILED");
    expect(e?.transient).toBe(true);
    expect(e?.message).toBe(`GET ${gone.base}/v1/orders failed (ECONNREFUSED)`);
  });

  it("a page that is not JSON, and an API that repeats its next page, are refused", async () => {
    server = await startServer(() => ({ body: "<html>login</html>" }));
    expect((await failure(options({})))?.message).toMatch(/is not JSON \(it starts "<html>login/);
    await server.close();
    server = await startServer(() => ({ body: { data: [{ id: 1 }], next: "/v1/orders" } }));
    expect((await failure(options({ columns: "id int64", next: "next" })))?.message).toMatch(/again/);
  });
});
