import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "@jest/globals";
import { hygge } from "./support/cli.js";

/** A project of two parquet entities on engine: duckdb: `ok` is exact, `ms` holds a millisecond timestamp. */
async function project(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hygge-engine-cli-"));
  const c = await (await DuckDBInstance.create(":memory:")).connect();
  for (const [entity, select] of [
    ["ok", "SELECT i::BIGINT AS id, 'v' || i AS name FROM range(1000) t(i)"],
    ["ms", "SELECT i::BIGINT AS id, make_timestamp(i * 1000000)::TIMESTAMP_MS AS at FROM range(10) t(i)"],
  ] as const) {
    mkdirSync(path.join(dir, "in", entity), { recursive: true });
    await c.run(`COPY (${select}) TO '${path.join(dir, "in", entity, "part.parquet")}' (FORMAT parquet)`);
  }
  writeFileSync(path.join(dir, "hygge.yml"), "name: engine\nplugins: [parquet, duckdb]\n");
  mkdirSync(path.join(dir, "flows", "copy"), { recursive: true });
  writeFileSync(
    path.join(dir, "flows", "copy", "flow.yml"),
    "home: { type: parquet, path: in }\nstore: { type: parquet, path: out }\nengine: duckdb\nentities: [ok, ms]\n",
  );
  return dir;
}

describe("hygge go with engine: duckdb", () => {
  it("says once, in the summary and in --json, which entities ran on the engine and why the others did not", async () => {
    const dir = await project();
    const json = await hygge(["go", "--project", dir, "--json"]);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { flows: { id: string; rows: number; engine: unknown }[] };
    const byId = Object.fromEntries(doc.flows.map((f) => [f.id, f]));
    expect(byId["copy.ok"]).toMatchObject({ rows: 1000, engine: { type: "duckdb", ran: true } });
    expect(byId["copy.ms"]).toMatchObject({
      rows: 10,
      engine: {
        type: "duckdb",
        ran: false,
        fallback: expect.stringMatching(/column "at" is Timestamp<MILLISECOND>/),
      },
    });
    const text = await hygge(["go", "--project", dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("engine duckdb copied copy.ok");
    expect(text.stdout).toMatch(/engine duckdb not used for copy\.ms: column "at" is Timestamp<MILLISECOND>/);
    expect(text.stdout.match(/engine duckdb not used/g)).toHaveLength(1);
  });

  it("--dry-run names the engine and says it is decided per run", async () => {
    const dir = await project();
    const run = await hygge(["go", "--project", dir, "--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /engine duckdb \(\d+ threads, 1GB\) for copy\.ok, copy\.ms: used where the copy is exact/,
    );
  });

  it("names an engine no loaded plugin provides at the key", async () => {
    const dir = await project();
    writeFileSync(path.join(dir, "hygge.yml"), "name: engine\nplugins: [parquet]\n");
    const run = await hygge(["go", "--project", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr + run.stdout).toMatch(/engine\.type: no loaded plugin provides engine type "duckdb"/);
  });
});
