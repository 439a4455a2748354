import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, FIXTURE_PLUGIN, hygge, memoryProject, readJson, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

const ids = (r: { stdout: string }) =>
  (JSON.parse(r.stdout) as { flows: { id: string }[] }).flows.map((f) => f.id).sort();

describe("hygge go", () => {
  test("runs every flow, writes the data and prints a summary with totals", () => {
    const dir = memoryProject();
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readJson(path.join(dir, "out/customers.json"))).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ id: String(i), name: `name-${i}`, amount: i / 4 })),
    );
    expect((readJson(path.join(dir, "out/orders.json")) as unknown[]).length).toBe(7);
    expect((readJson(path.join(dir, "out/products.json")) as unknown[]).length).toBe(3);
    expect(r.stdout).toMatch(/sales\s+customers\s+PASS\s+5/);
    expect(r.stdout).toMatch(/stock\s+products\s+PASS\s+3/);
    expect(r.stdout).toMatch(/total\s+15 rows .*PASS 3\s+FAIL 0\s+SKIP 0/);
    // Off a terminal: timestamped lines and no escape codes.
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z sales\.customers: started/m);
    expect(r.all).not.toContain("\u001b[");
  });

  test("--json prints only a machine-readable summary on stdout", () => {
    const dir = memoryProject();
    const r = hygge(["go", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, any>;
    expect(summary).toMatchObject({
      status: "pass",
      exitCode: 0,
      project: "demo",
      totals: { rows: 15, pass: 3, fail: 0, skip: 0 },
    });
    expect(typeof summary.runId).toBe("string");
    expect(summary.flows).toHaveLength(3);
    expect(summary.flows[0]).toEqual(
      expect.objectContaining({
        id: "sales.customers",
        flow: "sales",
        entity: "customers",
        status: "pass",
        runType: "full_drop",
        rows: 5,
        error: null,
      }),
    );
    expect(summary.flows[0].locations[0]).toBe(path.join(dir, "out/customers.json"));
    expect(r.stderr).toContain("sales.customers: done");
  });

  test("--flow, comma lists and --entity select runs; a filter matching nothing lists what exists", () => {
    const dir = memoryProject();
    expect(ids(hygge(["go", "--json", "--flow", "stock"], { cwd: dir }))).toEqual(["stock.products"]);
    expect(ids(hygge(["go", "--json", "--flow", "stock,sales"], { cwd: dir }))).toHaveLength(3);
    expect(ids(hygge(["go", "--json", "--flow", "stock", "--entity", "sales.orders"], { cwd: dir }))).toEqual(
      ["sales.orders", "stock.products"],
    );
    const none = hygge(["go", "--flow", "nope"], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--flow nope matches no flow");
    expect(none.stderr).toContain("flows: sales, stock");
    const noEntity = hygge(["go", "--entity", "sales.nope"], { cwd: dir });
    expect(noEntity.code).toBe(2);
    expect(noEntity.stderr).toContain("entities: sales.customers, sales.orders, stock.products");
  });

  test("one failing flow: exit 1, the others still run with continue_on_error (the default)", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "flows/sales/entities/orders.yml": "store:\n  fail_on_commit: true\n",
    });
    const r = hygge(["go", "--concurrency", "1"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/sales\s+orders\s+FAIL/);
    expect(r.stdout).toMatch(/PASS 2\s+FAIL 1\s+SKIP 0/);
    // What failed, why and what to do: on stderr (streams.test.ts).
    expect(r.stderr).toContain("✗ flow sales, entity orders failed");
    expect(r.stderr).toContain("[STORE_COMMIT_FAILED] flow sales, entity orders");
    expect(r.stderr).toContain("rerun with `hygge go --entity sales.orders`");
    expect(fs.existsSync(path.join(dir, "out/orders.json"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "out/products.json"))).toBe(true);
  });

  test("continue_on_error: false skips what has not started after a failure", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "hygge.yml": "name: demo\nplugins: [PLUGIN]\noptions:\n  concurrency: 1\n  continue_on_error: false\n",
      "flows/sales/flow.yml":
        "home: {type: memory}\nstore: {type: jsonfile, path: out, fail_on_commit: true}\nentities: [customers]\n",
    });
    const r = hygge(["go", "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout) as {
      totals: Record<string, number>;
      flows: { id: string; status: string }[];
    };
    expect(s.totals).toMatchObject({ pass: 0, fail: 1, skip: 2 });
    expect(s.flows.map((f) => f.status)).toEqual(["fail", "skip", "skip"]);
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  test("hygge.yml options are honoured and --concurrency overrides them; bad values are usage errors", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "hygge.yml": "name: demo\nplugins: [PLUGIN]\noptions:\n  concurrency: 1\n",
    });
    expect(hygge(["go", "--verbose"], { cwd: dir }).stdout).toContain("concurrency 1");
    expect(hygge(["go", "--concurrency", "3"], { cwd: dir }).stdout).toContain("concurrency 3");
    const bad = hygge(["go", "--concurrency", "0"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--concurrency 0: must be a whole number from 1 to 256");
  });

  test("--incremental / --full-drop force the run type; together they are a usage error", () => {
    const dir = memoryProject();
    const inc = JSON.parse(hygge(["go", "--json", "--incremental"], { cwd: dir }).stdout) as {
      flows: { runType: string }[];
    };
    expect(inc.flows.every((f) => f.runType === "incremental")).toBe(true);
    const again = hygge(["go", "--json", "--incremental", "--flow", "stock"], { cwd: dir });
    expect(again.code).toBe(0);
    expect((readJson(path.join(dir, "out/products.json")) as unknown[]).length).toBe(6); // appended
    const full = hygge(["go", "--json", "--full-drop", "--flow", "stock"], { cwd: dir });
    expect((JSON.parse(full.stdout) as { flows: { runType: string }[] }).flows[0]!.runType).toBe("full_drop");
    expect((readJson(path.join(dir, "out/products.json")) as unknown[]).length).toBe(3);
    const both = hygge(["go", "--incremental", "--full-drop"], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);
  });

  test("--var overrides a flow setting for one run", () => {
    const dir = memoryProject();
    const r = hygge(["go", "--var", "flow.stock.store.path=elsewhere", "--flow", "stock"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, "elsewhere/products.json"))).toBe(true);
    const bad = hygge(["go", "--var", "flow.nope.store.path=x"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no flow named "nope"');
  });

  test("--quiet prints nothing on success and the summary on failure; --verbose adds detail", () => {
    const dir = memoryProject();
    const quiet = hygge(["go", "--quiet"], { cwd: dir });
    expect(quiet.code).toBe(0);
    expect(quiet.all).toBe("");
    const verbose = hygge(["go", "--verbose"], { cwd: dir });
    expect(verbose.stdout).toContain("committing");
    const both = hygge(["go", "--quiet", "--verbose"], { cwd: dir });
    expect(both.code).toBe(2);
  });

  test("--project points at a folder from elsewhere; relative paths resolve against it", () => {
    const dir = memoryProject();
    const r = hygge(["go", "--project", dir, "--flow", "stock"]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, "out/products.json"))).toBe(true);
  });

  test("the project is found from a subfolder, searching upward", () => {
    const dir = memoryProject();
    const sub = path.join(dir, "flows", "stock");
    const r = hygge(["go", "--flow", "stock"], { cwd: sub });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, "out/products.json"))).toBe(true);
  });

  test.each([
    [
      "package.json",
      (plugin: string) => JSON.stringify({ name: "x", hygge: { name: "pkg", plugins: [plugin] } }),
    ],
    [
      "hygge.config.mjs",
      (plugin: string) => `export default { name: "mjs", plugins: [${JSON.stringify(plugin)}] };\n`,
    ],
    [".hyggerc", (plugin: string) => `name: rc\nplugins: [${plugin}]\n`],
  ])("the project may live in %s", (file, content) => {
    const dir = memoryProject({ "flows/stock/flow.yml": TWO_FLOWS["flows/stock/flow.yml"]! });
    fs.rmSync(path.join(dir, "hygge.yml"));
    fs.writeFileSync(path.join(dir, file), content(path.relative(dir, FIXTURE_PLUGIN)));
    const r = hygge(["go", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { totals: { rows: number } }).totals.rows).toBe(3);
  });

  test("inline and file entities both get the flow's defaults; an entity file overrides them", () => {
    const dir = memoryProject({
      "flows/sales/flow.yml":
        "home: {type: memory}\nstore: {type: jsonfile, path: out}\ndefaults:\n  store: {path: by-default}\nentities: [customers]\n",
      "flows/sales/entities/orders.yml": "run_type: full_drop\n",
      "flows/sales/entities/products.yml": "store:\n  path: special\n",
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, "by-default/customers.json"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "by-default/orders.json"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "special/products.json"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });
});
