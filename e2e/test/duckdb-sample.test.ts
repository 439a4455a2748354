import { cpSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "@jest/globals";
import { hygge, repoRoot } from "./support/cli.js";

describe("samples/parquet-to-duckdb", () => {
  it("loads the quickstart's files into warehouse.duckdb and, on the engine, into lake/", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hygge-duckdb-sample-"));
    cpSync(path.join(repoRoot, "samples"), dir, { recursive: true });
    const project = path.join(dir, "parquet-to-duckdb");
    const run = await hygge(["go", "--project", project, "--json"]);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { flows: { id: string; rows: number; engine: unknown }[] };
    const rows = Object.fromEntries(doc.flows.map((f) => [f.id, f.rows]));
    expect(rows).toEqual({
      "lake.customers": 1000,
      "lake.products": 200,
      "lake.orders": 50000,
      "warehouse.customers": 1000,
      "warehouse.products": 200,
      "warehouse.orders": 50000,
    });
    for (const f of doc.flows.filter((x) => x.id.startsWith("lake.")))
      expect(f.engine).toEqual({ type: "duckdb", ran: true });
    const c = await (await DuckDBInstance.create(":memory:")).connect();
    const db = path.join(project, "warehouse.duckdb");
    await c.run(`ATTACH '${db}' AS w (READ_ONLY)`);
    // The same rows in the table, the lake copy and the source, by an order-free checksum.
    const sum = async (from: string) =>
      String(
        (
          await c.runAndReadAll(`SELECT count(*)::BIGINT || ':' || sum(hash(t))::VARCHAR FROM ${from} t`)
        ).getRows()[0]![0],
      );
    const source = await sum(`read_parquet('${path.join(dir, "quickstart/data/orders/*.parquet")}')`);
    expect(await sum("w.raw.orders")).toBe(source);
    expect(await sum(`read_parquet('${path.join(project, "lake/orders/*.parquet")}')`)).toBe(source);
  });
});
