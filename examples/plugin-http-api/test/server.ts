// A local JSON API for the tests: node:http on 127.0.0.1, a random port, a handler per test.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised with JSON.stringify unless it is a string (sent as it is). */
  body?: unknown;
}

export interface TestServer {
  /** http://127.0.0.1:<port> */
  base: string;
  /** Every request's URL (path and query) and headers, in order. */
  requests: { url: URL; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startServer(handle: (url: URL, n: number) => Answer): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ url, headers: req.headers });
    let answer: Answer;
    try {
      answer = handle(url, requests.length);
    } catch (error) {
      answer = { status: 599, body: String(error) };
    }
    const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? null);
    res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves `rows()` in pages of `pageSize` as { data, next_cursor } (cursor = offset of the next page). */
export function cursorPages(rows: (url: URL) => unknown[], pageSize: number) {
  return (url: URL): Answer => {
    const all = rows(url);
    const at = Number(url.searchParams.get("cursor") ?? 0);
    const data = all.slice(at, at + pageSize);
    return { body: { data, next_cursor: at + pageSize < all.length ? String(at + pageSize) : null } };
  };
}
