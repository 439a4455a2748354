import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hygge, testdir } from "./helpers.js";

afterAll(cleanup);

// Issue 10: a CSV home with inferred types, shown before anything moves, then CSV → Parquet.
const CSV = [
  "id,amount,city,ts",
  '1,12.50,"Oslo",2026-01-02T03:04:05Z',
  '2,-0.75,"Zürich, CH",2026-01-02T03:04:06.5Z',
  "9007199254740993,100.00,,2026-12-31T23:59:59.999999Z",
  "",
].join("\n");

const project = () =>
  testdir({
    "hygge.yml": "name: files\nplugins: [csv, parquet]\n",
    "inbox/orders/part-1.csv": CSV,
    "flows/load/flow.yml":
      "home: { type: csv, path: inbox }\nstore: { type: parquet, path: lake }\nentities: [orders]\n",
  });

const INFERRED = "id int64, amount decimal(5, 2), city string, ts timestamp[us, UTC]";

describe("CSV → Parquet through the CLI", () => {
  test("--dry-run and debug show the inferred schema; go moves every value exactly", async () => {
    const dir = project();
    const dry = hygge(["go", "--dry-run"], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`load.orders reads: ${INFERRED}`);
    expect(dry.stdout).toContain("nothing was written");
    const json = JSON.parse(hygge(["go", "--dry-run", "--json"], { cwd: dir }).stdout);
    expect(json.entities[0].schema[0]).toEqual({ name: "id", type: "int64" });

    const debug = hygge(["debug"], { cwd: dir });
    expect(debug.code).toBe(0);
    expect(debug.stdout).toContain(`schema: ${INFERRED}`);

    const go = hygge(["go"], { cwd: dir });
    expect(go.code).toBe(0);
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const reader = await db.runAndReadAll(
      `SELECT id::VARCHAR AS id, amount::VARCHAR AS amount, city, strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts
         FROM read_parquet('${join(dir, "lake", "orders", "*.parquet")}') ORDER BY id`,
    );
    expect(reader.getRowObjectsJS()).toEqual([
      { id: "1", amount: "12.50", city: "Oslo", ts: "2026-01-02T03:04:05.000000Z" },
      { id: "2", amount: "-0.75", city: "Zürich, CH", ts: "2026-01-02T03:04:06.500000Z" },
      { id: "9007199254740993", amount: "100.00", city: null, ts: "2026-12-31T23:59:59.999999Z" },
    ]);
    db.closeSync();
  });

  test("a value that does not parse names the file, line and column, and nothing is published", () => {
    const dir = testdir({
      "hygge.yml": "name: files\nplugins: [csv, parquet]\n",
      "inbox/orders/part-1.csv": "id,amount\n1,2\n2,x\n",
      "flows/load/flow.yml":
        "home: { type: csv, path: inbox, columns: { id: int64, amount: int64 } }\nstore: { type: parquet, path: lake }\nentities: [orders]\n",
    });
    const go = hygge(["go"], { cwd: dir });
    expect(go.code).not.toBe(0);
    expect(go.stdout + go.stderr).toMatch(/part-1\.csv line 3, column 2 \(amount int64\)/);
    expect(hygge(["debug"], { cwd: dir }).stdout).toContain("schema: id int64, amount int64");
  });

  test("an incremental run's progress line and history show a timestamp watermark as ISO 8601, not epoch microseconds", () => {
    const dir = testdir({
      "hygge.yml": "name: files\nplugins: [csv, parquet]\n",
      "inbox/orders/part-1.csv": CSV,
      "flows/load/flow.yml":
        "home: { type: csv, path: inbox }\nstore: { type: parquet, path: lake }\nrun_type: incremental\nwatermark: { watermark_column: ts, primary_key: id }\nentities: [orders]\n",
    });
    expect(hygge(["go"], { cwd: dir }).code).toBe(0);
    const again = hygge(["go"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout + again.stderr).toContain(
      "load.orders: started, from ts 2026-12-31T23:59:59.999999Z",
    );
    const history = hygge(["history"], { cwd: dir });
    expect(history.stdout).toContain("ts=2026-12-31T23:59:59.999999Z");
    expect(history.stdout).not.toContain("1798761599999999");
  });
});
