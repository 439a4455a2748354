import fs from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { type FlowReport, HyggeError, type RunSummary } from "@hygge/core";
import { afterAll, describe, expect, test } from "@jest/globals";
import { failureLines, renderSummary } from "../src/render/summary.js";
import { cleanup, hashTree, hygge, memoryProject, testdir } from "./helpers.js";

afterAll(cleanup);

// Issue 11: a pending change of columns is shown before any data moves (`go --dry-run`, `debug`);
// the run summary, `--json` and `hygge history` say what changed.

const flowYml = (columns: string) =>
  `home: { type: csv, path: inbox, columns: { ${columns} } }\nstore: { type: parquet, path: lake }\nrun_type: incremental\nentities: [orders]\n`;

/** A CSV home into Parquet on disk, incremental (each run appends what the inbox holds). */
const project = (columns: string, csv: string) =>
  testdir({
    "hygge.yml": "name: files\nplugins: [csv, parquet]\n",
    "inbox/orders/part-1.csv": csv,
    "flows/load/flow.yml": flowYml(columns),
  });

/** The source changes: new rows, and the columns the home declares. */
const change = (dir: string, columns: string, csv: string) => {
  fs.writeFileSync(join(dir, "inbox/orders/part-1.csv"), csv);
  fs.writeFileSync(join(dir, "flows/load/flow.yml"), flowYml(columns));
};

/** Every published row, read by DuckDB with union_by_name (files of both schemas). */
async function published(dir: string): Promise<Record<string, unknown>[]> {
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  try {
    const reader = await db.runAndReadAll(
      `SELECT * FROM read_parquet('${join(dir, "lake", "orders", "*.parquet")}', union_by_name = true) ORDER BY id`,
    );
    return reader
      .getRowObjectsJS()
      .map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])),
      );
  } finally {
    db.closeSync();
  }
}

const ADDED_AND_WIDENED = {
  added: [{ name: "discount", type: "decimal(10, 2)" }],
  widened: [{ name: "qty", from: "int32", to: "int64" }],
  dropped: [],
  kept: [],
  ignored: [],
};
const CHANGE_TEXT = "added discount (decimal(10, 2)); widened qty int32 → int64";

describe("schema changes through the CLI (CSV → Parquet on disk, incremental)", () => {
  test("a new column and a wider type: dry run and debug show them first; go, --json and history report them", async () => {
    const dir = project("id: int64, qty: int32", "id,qty\n1,5\n2,7\n");
    const first = hygge(["go"], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain("columns:"); // a first run changes no columns

    change(dir, "id: int64, qty: int64, discount: 'decimal(10, 2)'", "id,qty,discount\n3,1,0.25\n4,2,\n");
    const lake = hashTree(join(dir, "lake"));
    const journal = hashTree(join(dir, ".hygge"));

    const dry = hygge(["go", "--dry-run"], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("load.orders reads: id int64, qty int64, discount decimal(10, 2)");
    expect(dry.stdout).toContain(
      `load.orders: the run would change columns: ${CHANGE_TEXT} (on_schema_change: append_new_columns)`,
    );
    const dryJson = hygge(["go", "--dry-run", "--json"], { cwd: dir });
    expect(dryJson.code).toBe(0);
    const entry = JSON.parse(dryJson.stdout).entities[0];
    expect(entry.schemaChange).toEqual(ADDED_AND_WIDENED);
    expect(entry.schemaRefused).toBeUndefined();
    expect(entry.onSchemaChange).toBe("append_new_columns");

    const debug = hygge(["debug"], { cwd: dir });
    expect(debug.code).toBe(0);
    expect(debug.stdout).toMatch(
      new RegExp(
        `✓ load\\.orders home: csv .*: the run would change columns: ${CHANGE_TEXT.replace(/[()]/g, "\\$&")}`,
      ),
    );
    expect(debug.stdout).toContain("no problems found");
    // Nothing moved before the run: the destination and the journal are byte for byte as they were.
    expect(hashTree(join(dir, "lake"))).toBe(lake);
    expect(hashTree(join(dir, ".hygge"))).toBe(journal);

    // The same state twice: one run rendered as text, one as --json.
    const copy = `${dir}-json`;
    fs.cpSync(dir, copy, { recursive: true });
    const go = hygge(["go"], { cwd: dir });
    expect(go.code).toBe(0);
    expect(go.stdout).toContain(`load.orders columns: ${CHANGE_TEXT}`);
    const goJson = hygge(["go", "--json"], { cwd: copy });
    expect(goJson.code).toBe(0);
    const report = JSON.parse(goJson.stdout).flows[0];
    expect(report.status).toBe("pass");
    expect(report.rows).toBe(2);
    expect(report.schemaChange).toEqual(ADDED_AND_WIDENED);
    expect(report.schema).toEqual([
      { name: "id", type: "int64" },
      { name: "qty", type: "int64" },
      { name: "discount", type: "decimal(10, 2)" },
    ]);

    // Every row exactly once; the rows of the first run hold nulls in the new column.
    const rows = [
      { id: "1", qty: "5", discount: null },
      { id: "2", qty: "7", discount: null },
      { id: "3", qty: "1", discount: "0.25" },
      { id: "4", qty: "2", discount: null },
    ];
    expect(await published(dir)).toEqual(rows);
    expect(await published(copy)).toEqual(rows);

    const history = hygge(["history"], { cwd: dir });
    expect(history.code).toBe(0);
    const runId = JSON.parse(hygge(["history", "--json", "--limit", "1"], { cwd: dir }).stdout).records[0]
      .runId;
    expect(history.stdout).toContain(`load.orders ${runId} columns: ${CHANGE_TEXT}`);
    expect(history.stdout.match(/ columns: /g)).toHaveLength(1); // the first run changed nothing
    const records = JSON.parse(hygge(["history", "--json"], { cwd: dir }).stdout).records;
    expect(records).toHaveLength(2);
    expect(records[0].schemaChange).toEqual(ADDED_AND_WIDENED);
    expect(records[1].schemaChange).toBeUndefined();

    // Once published, nothing is pending.
    const after = hygge(["go", "--dry-run"], { cwd: dir });
    expect(after.stdout).not.toContain("would change");
    expect(
      JSON.parse(hygge(["go", "--dry-run", "--json"], { cwd: dir }).stdout).entities[0].schemaChange,
    ).toBe(undefined);
  });

  test("a narrower type under the default policy: refused in the dry run, in debug and by go, nothing written", async () => {
    const dir = project("id: int64, qty: int64", "id,qty\n1,5\n2,7\n");
    expect(hygge(["go"], { cwd: dir }).code).toBe(0);
    change(dir, "id: int64, qty: int32", "id,qty\n3,1\n");
    const lake = hashTree(join(dir, "lake"));
    const narrower = 'column "qty" was int64 and is now int32';

    const dry = hygge(["go", "--dry-run"], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      "load.orders: the run would refuse: the source's columns changed in a way no on_schema_change policy accepts",
    );
    expect(dry.stdout).toContain(narrower);
    expect(dry.stdout).toMatch(/hint: Ways out: .*--full-drop/);
    expect(dry.stdout).not.toContain("would change columns");
    const entry = JSON.parse(hygge(["go", "--dry-run", "--json"], { cwd: dir }).stdout).entities[0];
    expect(entry.schemaRefused).toContain(narrower);
    expect(entry.schemaRefusedHint).toMatch(/^Ways out: .*columns:.*--full-drop/);
    expect(entry.schemaChange).toBeUndefined();

    const debug = hygge(["debug"], { cwd: dir });
    expect(debug.code).toBe(1);
    expect(debug.stdout).toMatch(
      /✗ load\.orders home: csv .*: the run would refuse: .*column "qty" was int64 and is now int32/,
    );
    expect(debug.stdout).toContain("1 problem found");

    const go = hygge(["go"], { cwd: dir });
    expect(go.code).toBe(1);
    expect(go.stderr).toContain("✗ flow load, entity orders failed");
    expect(go.stderr).toContain("[SCHEMA_CHANGE_REFUSED]");
    expect(go.stderr).toContain(narrower);
    expect(go.stderr).toMatch(/hint: Ways out: .*--full-drop/);
    expect(go.stdout).not.toContain(" columns: ");
    const failed = JSON.parse(hygge(["go", "--json"], { cwd: dir }).stdout);
    expect(failed.exitCode).toBe(1);
    expect(failed.flows[0].error.code).toBe("SCHEMA_CHANGE_REFUSED");
    expect(failed.flows[0].error.message).toContain(narrower);
    expect(failed.flows[0].error.hint).toMatch(/--full-drop/);
    expect(failed.flows[0].schemaChange).toBeNull();

    // Refused before anything was written: the destination is byte for byte as it was.
    expect(hashTree(join(dir, "lake"))).toBe(lake);
    expect(await published(dir)).toEqual([
      { id: "1", qty: "5" },
      { id: "2", qty: "7" },
    ]);
    const records = JSON.parse(hygge(["history", "--json"], { cwd: dir }).stdout).records;
    expect(records.map((r: { status: string }) => r.status)).toEqual(["fail", "fail", "pass"]);
    expect(records[0].error.code).toBe("SCHEMA_CHANGE_REFUSED");
  });

  test("a database-like home (no schema without connecting): the dry run says when columns are compared", () => {
    const dir = memoryProject({
      "flows/sales/flow.yml":
        "home:\n  type: memory\nstore:\n  type: jsonfile\n  path: out\nrun_type: incremental\nentities: [customers]\n",
    });
    const dry = hygge(["go", "--dry-run"], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      "columns of sales.customers are compared with the destination's when the run starts (on_schema_change)",
    );
    expect(dry.stdout).toContain("nothing was opened, read or written");
    const entry = JSON.parse(hygge(["go", "--dry-run", "--json"], { cwd: dir }).stdout).entities[0];
    expect(entry.onSchemaChange).toBe("append_new_columns");
    expect(entry.schemaChange).toBeUndefined();
  });

  test("hygge schema: on_schema_change with its values at flow, defaults and entity level", () => {
    const r = hygge(["schema"], { cwd: testdir({}) });
    expect(r.code).toBe(0);
    const schemas = JSON.parse(r.stdout);
    const values = ["append_new_columns", "sync_all_columns", "fail", "ignore"];
    expect(schemas.flow.properties.on_schema_change.enum).toEqual(values);
    expect(schemas.flow.properties.defaults.properties.on_schema_change.enum).toEqual(values);
    expect(schemas.entity.properties.on_schema_change.enum).toEqual(values);
  });
});

describe("rendering", () => {
  const base: FlowReport = {
    id: "orders.items",
    flow: "orders",
    entity: "items",
    status: "pass",
    runId: "r1",
    runType: "incremental",
    rows: 3,
    bytes: 10,
    batches: 1,
    elapsedMs: 5,
    durationMs: 5,
    rowsPerSec: 600,
    locations: [],
    attempts: 1,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:00.005Z",
    queueHighWater: 1,
  };
  const plain = { bold: String, dim: String, red: String, green: String, yellow: String } as never;

  test("the summary lists the changed columns of each entity under the table", () => {
    const summary = {
      status: "pass",
      project: "p",
      runId: "r1",
      startedAt: base.startedAt,
      finishedAt: base.finishedAt,
      durationMs: 5,
      totals: { rows: 3, bytes: 10, pass: 2, fail: 0, skip: 0, rowsPerSec: 600 },
      flows: [
        {
          ...base,
          schemaChange: {
            added: [{ name: "discount", type: "decimal(10, 2)" }],
            widened: [{ name: "qty", from: "int32", to: "int64" }],
            dropped: [{ name: "legacy_code", type: "string" }],
            kept: [],
            ignored: [],
          },
        },
        { ...base, id: "orders.customers", entity: "customers" },
      ],
    } as RunSummary;
    const text = renderSummary(summary, plain);
    expect(text).toContain(
      "orders.items columns: added discount (decimal(10, 2)); widened qty int32 → int64; dropped legacy_code",
    );
    expect(text).not.toContain("orders.customers columns");
  });

  test("a refused change without a hint of its own gets the SCHEMA_CHANGE_REFUSED next step", () => {
    const lines = failureLines(
      { ...base, status: "fail", error: new HyggeError("SCHEMA_CHANGE_REFUSED", 'column "qty" changed') },
      plain,
    ).join("\n");
    expect(lines).toContain(
      "hint: nothing was written; cast the column back to its published type in the home (a query's CAST, or `columns:` for file homes), change on_schema_change, or rebuild once with `hygge go --full-drop`; rerun with `hygge go --entity orders.items`",
    );
  });
});
