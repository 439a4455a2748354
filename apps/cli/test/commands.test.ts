import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hygge, memoryProject, TWO_FLOWS } from "./helpers.js";

const outside = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-cmd-"));
afterAll(() => {
  cleanup();
  fs.rmSync(outside, { recursive: true, force: true });
});

/** Rows of a Parquet file or folder, read by DuckDB (an independent reader), as sorted JSON lines. */
async function parquetRows(location: string): Promise<string[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const glob = fs.statSync(location).isDirectory() ? path.join(location, "**", "*.parquet") : location;
  const reader = await con.runAndReadAll(`SELECT * FROM read_parquet('${glob}')`);
  const rows = reader.getRowObjectsJson().map((r) => JSON.stringify(r));
  con.closeSync();
  return rows.sort();
}

describe("hygge --help / --version", () => {
  test("help for the program and every command; version", () => {
    const help = hygge(["--help"]);
    expect(help.code).toBe(0);
    for (const cmd of ["init", "go", "debug", "schema"]) expect(help.stdout).toContain(cmd);
    expect(help.stdout).toContain(
      "Exit codes: 0 every flow passed, 1 a flow failed, 2 configuration or usage error",
    );
    const go = hygge(["go", "--help"]);
    expect(go.code).toBe(0);
    for (const flag of [
      "--flow",
      "--entity",
      "--incremental",
      "--full-drop",
      "--concurrency",
      "--var",
      "--dry-run",
      "--json",
      "--verbose",
      "--quiet",
      "--project",
    ])
      expect(go.stdout).toContain(flag);
    for (const cmd of ["init", "debug", "schema"]) expect(hygge([cmd, "--help"]).code).toBe(0);
    const version = hygge(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(
      JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")).version,
    );
    const unknown = hygge(["fly"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'fly'");
  });
});

describe("hygge init", () => {
  test("creates a project that `hygge go` runs at once; the data arrives intact (checked with DuckDB)", async () => {
    const dir = path.join(outside, "my-project");
    const init = hygge(["init", dir]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`go --project ${dir}`);
    for (const f of [
      "hygge.yml",
      "flows/example/flow.yml",
      "flows/example/entities/orders.yml",
      ".hygge/schema/flow.schema.json",
    ])
      expect(fs.existsSync(path.join(dir, f))).toBe(true);
    expect(fs.readFileSync(path.join(dir, "flows/example/flow.yml"), "utf8")).toContain(
      "# yaml-language-server: $schema=../../.hygge/schema/flow.schema.json",
    );
    const go = hygge(["go", "--json"], { cwd: dir });
    expect(go.code).toBe(0);
    expect(JSON.parse(go.stdout).totals).toMatchObject({ rows: 20, pass: 2, fail: 0 });
    for (const entity of ["customers", "orders"]) {
      const source = await parquetRows(path.join(dir, "data", entity));
      expect(source.length).toBeGreaterThan(0);
      expect(await parquetRows(path.join(dir, "out", entity))).toEqual(source);
    }
    const existing = path.join(outside, "existing");
    fs.mkdirSync(existing);
    fs.writeFileSync(path.join(existing, "README.md"), "mine");
    const into = hygge(["init"], { cwd: existing });
    expect(into.code).toBe(0);
    expect(into.stdout).toContain("README.md (already there, kept)");
    expect(fs.readFileSync(path.join(existing, "README.md"), "utf8")).toBe("mine");
    expect(hygge(["go", "--quiet"], { cwd: existing }).code).toBe(0);
    const again = hygge(["init", dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(hygge(["init", dir, "--force"]).code).toBe(0);
  });
});

describe("hygge debug", () => {
  test("reports every check and exits 0 when nothing is wrong", () => {
    const dir = memoryProject();
    const r = hygge(["debug"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ plugin hygge-plugin-test-memory");
    expect(r.stdout).toContain("configuration valid: 3 entities");
    expect(r.stdout).toContain("✓ sales.customers store: out: writable");
    expect(r.stdout).toContain("no problems found");
  });

  test("prints each problem with a hint and exits 1; configuration errors exit 2", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "flows/stock/flow.yml":
        "home: {type: memory}\nstore: {type: jsonfile, path: a/b/c}\nentities: [products]\n",
    });
    const r = hygge(["debug"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ stock.products store: a/b/c: parent folder does not exist");
    expect(r.stdout).toContain("hint: create a/b");
    expect(r.stdout).toContain("1 problem found");
    const bad = memoryProject({ ...TWO_FLOWS, "flows/stock/entities/products.yml": "store: {pth: x}\n" });
    const config = hygge(["debug"], { cwd: bad });
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('did you mean "path"?');
  });
});

describe("hygge schema", () => {
  test("prints the JSON Schema of the project files with the loaded plugins' options", () => {
    const dir = memoryProject();
    const r = hygge(["schema"], { cwd: dir });
    expect(r.code).toBe(0);
    const schemas = JSON.parse(r.stdout) as Record<string, { title: string }>;
    expect(Object.keys(schemas).sort()).toEqual(["entity", "flow", "project"]);
    expect(r.stdout).toContain('"fail_on_commit"'); // the fixture plugin's store option
    const flow = hygge(["schema", "flow"], { cwd: dir });
    expect((JSON.parse(flow.stdout) as { title: string }).title).toContain("flow.yml");
    const out = path.join(dir, "schemas");
    expect(hygge(["schema", "--out", out], { cwd: dir }).code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      "entity.schema.json",
      "flow.schema.json",
      "project.schema.json",
    ]);
    const bad = hygge(["schema", "flows"], { cwd: dir });
    expect(bad.code).toBe(2);
  });

  test("without a project it covers the first-party plugins installed", () => {
    const r = hygge(["schema", "flow"], { cwd: outside });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"compression"'); // @hygge/parquet's store option
  });
});
