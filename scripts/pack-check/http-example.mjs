// The third-party example, as an outside author ships it: examples/plugin-http-api is copied out
// of the repository, installed with npm against the packed @hygge/core, built, tested and packed;
// its tarball is installed next to the packed CLI, and `npx hygge go` loads an HTTP JSON API
// (served here, on 127.0.0.1) into Parquet, read back with DuckDB. Returns the problems found.
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { runAsync } from "./lib.mjs";

const TOKEN = "pack-check-t0ken";

/** Rows the API serves: int64 past 2^53 as text, decimals as text, UTC timestamps. */
const ROWS = [
  { id: "9007199254740993", updated_at: "2024-01-01T00:00:01.000001Z", amount: "12.34" },
  { id: 2, updated_at: "2024-01-01T00:00:02Z", amount: "-0.01" },
  { id: 3, updated_at: "2024-01-01T00:00:03Z", amount: "9999999999.99" },
];

/** /v1/orders?limit=2[&cursor=n][&updated_since=iso] → { data, next_cursor }; 401 without the token. */
function startApi(rows) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url);
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers["x-api-token"] !== TOKEN) return send(401, { error: "no token" });
    if (url.pathname !== "/v1/orders") return send(404, { error: "no such entity" });
    const since = url.searchParams.get("updated_since");
    const all = rows.filter((r) => since === null || Date.parse(r.updated_at) >= Date.parse(since));
    const from = Number(url.searchParams.get("cursor") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 100);
    send(200, {
      data: all.slice(from, from + limit),
      next_cursor: from + limit < all.length ? String(from + limit) : null,
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        base: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    ),
  );
}

const SKIP = new Set(["node_modules", "dist"]);
const copy = (from, to) =>
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => !SKIP.has(path.basename(src)) && !src.endsWith(".tgz"),
  });

export async function checkHttpExample({ work, packed, run, ROOT }) {
  const problems = [];
  const t = (label, since) => console.log(`  ${label}: ${((Date.now() - since) / 1000).toFixed(1)}s`);

  // 1. The author's loop, outside the workspace: npm, the packed core, build, tests, pack.
  const dir = path.join(work, "plugin-http-api");
  copy(path.join(ROOT, "examples", "plugin-http-api"), dir);
  let since = Date.now();
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--no-save", packed["@hygge/core"]], {
    cwd: dir,
  });
  t("npm install (devDependencies and the packed @hygge/core)", since);
  since = Date.now();
  run("npm", ["run", "build"], { cwd: dir });
  run("npm", ["run", "typecheck"], { cwd: dir });
  t("tsc build and typecheck", since);
  since = Date.now();
  const tests = run("npm", ["test", "--", "--ci"], { cwd: dir, allowFail: true });
  if (tests.status !== 0) problems.push(`the example's tests failed:\n${tests.stdout}${tests.stderr}`);
  t("the example's tests", since);
  const pack = JSON.parse(
    run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: dir }).stdout,
  );
  const tarball = path.join(work, pack[0].filename);
  const files = pack[0].files.map((f) => f.path);
  for (const need of ["LICENSE", "README.md", "dist/index.js", "dist/index.d.ts"])
    if (!files.includes(need)) problems.push(`hygge-plugin-http-api: the tarball has no ${need}`);
  if (files.some((f) => f.startsWith("test/") || f.startsWith("src/")))
    problems.push(`hygge-plugin-http-api: the tarball ships its sources or tests: ${files.join(", ")}`);

  // 2. A user's project: the tarball installed next to the packed CLI, `plugins: [http-api]`.
  const app = path.join(work, "app");
  since = Date.now();
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: app });
  t("npm install hygge-plugin-http-api (tarball) in the app", since);
  const project = path.join(app, "http");
  const files2 = {
    "hygge.yml": "name: http\nplugins:\n  - parquet\n  - http-api\n",
    "flows/api/flow.yml": [
      "home:",
      "  type: http_api",
      "  url: ${PACK_CHECK_API}/v1/{entity}?limit=2",
      "  items: data",
      "  next: next_cursor",
      "  cursor_param: cursor",
      '  columns: "id int64 not null, updated_at timestamp[us, UTC] not null, amount decimal(12, 2)"',
      "  headers:",
      "    x-api-token: ${PACK_CHECK_TOKEN}",
      "  watermark_param: updated_since",
      "store:",
      "  type: parquet",
      "  path: out",
      "run_type: incremental",
      "watermark:",
      "  watermark_column: updated_at",
      "  primary_key: id",
      "entities: [orders]",
      "",
    ].join("\n"),
  };
  for (const [rel, text] of Object.entries(files2)) {
    fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
    fs.writeFileSync(path.join(project, rel), text);
  }

  const rows = ROWS.map((r) => ({ ...r }));
  const api = await startApi(rows);
  try {
    const env = { PACK_CHECK_API: api.base, PACK_CHECK_TOKEN: TOKEN, NO_COLOR: "1" };
    const go = async (label, expectRows) => {
      const started = Date.now();
      const r = await runAsync("npx", ["hygge", "go", "--project", "http", "--json"], { cwd: app, env });
      t(label, started);
      const out = `${r.stdout}${r.stderr}`;
      if (out.includes(TOKEN)) problems.push(`${label}: the API token appears in hygge's output`);
      let summary;
      try {
        summary = JSON.parse(r.stdout);
      } catch {
        problems.push(`${label}: no JSON summary (exit ${r.status}):\n${out}`);
        return;
      }
      const flow = summary.flows?.find((f) => f.id === "api.orders");
      if (r.status !== 0 || flow?.status !== "pass" || flow?.rows !== expectRows)
        problems.push(
          `${label}: expected exit 0 and api.orders passing with ${expectRows} rows (exit ${r.status}):\n${out}`,
        );
    };
    await go("npx hygge go (first run: 3 rows over 2 pages)", 3);
    if (api.requests[0]?.searchParams.has("updated_since"))
      problems.push("the first incremental run sent updated_since");
    rows.push({ id: 4, updated_at: "2024-01-01T00:00:04Z", amount: "0.50" });
    api.requests.length = 0;
    await go("npx hygge go (second run: only the new row)", 1);
    const sent = api.requests[0]?.searchParams.get("updated_since");
    if (!sent?.startsWith("2024-01-01T00:00:03"))
      problems.push(`the second run should send updated_since=2024-01-01T00:00:03…, sent ${sent}`);
  } finally {
    await api.close();
  }

  // 3. What landed, read by another tool.
  since = Date.now();
  const require = createRequire(path.join(ROOT, "package.json"));
  let duckdb;
  try {
    duckdb = await import(pathToFileURL(require.resolve("@duckdb/node-api")).href);
  } catch {
    duckdb = await import(
      pathToFileURL(createRequire(path.join(ROOT, "examples", "package.json")).resolve("@duckdb/node-api"))
        .href
    );
  }
  const instance = await duckdb.DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    const glob = path.join(project, "out", "orders", "**", "*.parquet").replaceAll("'", "''");
    const reader = await db.runAndReadAll(
      `SELECT id::VARCHAR AS id, amount::VARCHAR AS amount, strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%f') AS at
       FROM read_parquet('${glob}') ORDER BY id`,
    );
    const got = reader.getRowObjects().map((r) => `${r.id} ${r.amount} ${r.at}`);
    const want = [
      "2 -0.01 2024-01-01T00:00:02.000000",
      "3 9999999999.99 2024-01-01T00:00:03.000000",
      "4 0.50 2024-01-01T00:00:04.000000",
      "9007199254740993 12.34 2024-01-01T00:00:01.000001",
    ];
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(
        `the Parquet files under http/out/orders hold:\n${got.join("\n")}\nexpected:\n${want.join("\n")}`,
      );
  } finally {
    db.closeSync?.();
  }
  t("DuckDB read-back", since);
  return problems;
}
