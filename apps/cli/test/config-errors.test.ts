import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hygge, memoryProject, TWO_FLOWS, testdir } from "./helpers.js";

afterAll(cleanup);

/** Runs `hygge go` on TWO_FLOWS with some files replaced; expects a configuration error (exit 2). */
function configError(files: Record<string, string>, env?: Record<string, string | undefined>) {
  const dir = memoryProject({ ...TWO_FLOWS, ...files });
  const r = hygge(["go"], { cwd: dir, env });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  return r.stderr;
}

describe("configuration errors: exit 2, the file, the key and what to do", () => {
  test("a misspelt plugin option names the file, the key path and the closest valid key", () => {
    const err = configError({ "flows/sales/entities/orders.yml": "store:\n  pth: out2\n" });
    expect(err).toContain(
      'flows/sales/entities/orders.yml: store.pth: unknown key "pth" (did you mean "path"?)',
    );
  });

  test("--json: a configuration error is a JSON document on stdout with every issue", () => {
    const dir = memoryProject({ ...TWO_FLOWS, "flows/sales/entities/orders.yml": "store:\n  pth: out2\n" });
    const r = hygge(["go", "--json"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      status: "error",
      exitCode: 2,
      error: expect.objectContaining({
        code: "CONFIG_INVALID",
        issues: [
          {
            file: "flows/sales/entities/orders.yml",
            path: "store.pth",
            message: 'unknown key "pth"',
            hint: 'did you mean "path"?',
          },
        ],
      }),
    });
  });

  test("a misspelt project key in hygge.yml", () => {
    const err = configError({ "hygge.yml": "name: demo\nplugins: [PLUGIN]\noptions:\n  concurency: 2\n" });
    expect(err).toContain(
      'hygge.yml: options.concurency: unknown key "concurency" (did you mean "concurrency"?)',
    );
  });

  test("a misspelt top-level key in an entity file names that file", () => {
    const err = configError({ "flows/sales/entities/orders.yml": "run_typ: incremental\n" });
    expect(err).toContain(
      'flows/sales/entities/orders.yml: run_typ: unknown key "run_typ" (did you mean "run_type"?)',
    );
  });

  test("a wrong value type and a bad enum value", () => {
    expect(
      configError({ "hygge.yml": "name: demo\nplugins: [PLUGIN]\noptions:\n  concurrency: many\n" }),
    ).toMatch(/hygge\.yml: options\.concurrency: .*expected number/i);
    expect(configError({ "flows/sales/entities/orders.yml": "run_type: ful_drop\n" })).toMatch(
      /flows\/sales\/entities\/orders\.yml: run_type: must be one of .*got "ful_drop" \(did you mean "full_drop"\?\)/,
    );
  });

  test("a bad value in an inline entity names the flow file and the entity's index", () => {
    const err = configError({
      "flows/stock/flow.yml":
        "home: {type: memory}\nstore: {type: jsonfile, path: out}\nentities:\n  - name: products\n    enabled: maybe\n",
    });
    expect(err).toMatch(/flows\/stock\/flow\.yml: entities\[0\]\.enabled: .*expected boolean/i);
  });

  test("a type no loaded plugin provides names the flow, the type and the loaded plugins", () => {
    const err = configError({
      "flows/stock/flow.yml":
        "home:\n  type: memroy\nstore:\n  type: jsonfile\n  path: out\nentities: [products]\n",
    });
    expect(err).toContain(
      'flows/stock/flow.yml: home.type: no loaded plugin provides home type "memroy" (flow stock)',
    );
    expect(err).toContain('Did you mean "memory"?');
    expect(err).toContain("Loaded plugins: hygge-plugin-test-memory");
  });

  test("an unset environment variable without default names the variable and the file", () => {
    const files = {
      "flows/stock/flow.yml":
        "home: {type: memory}\nstore:\n  type: jsonfile\n  path: ${OUT_DIR}\nentities: [products]\n",
    };
    const err = configError(files, { OUT_DIR: undefined });
    expect(err).toContain("environment variable OUT_DIR is not set (used at store.path)");
    expect(err).toContain("in: flows/stock/flow.yml");
    expect(err).toContain("${OUT_DIR:-value}");
    // Set, or with a default, it works:
    const dir = memoryProject({ ...TWO_FLOWS, ...files });
    expect(hygge(["go", "--flow", "stock"], { cwd: dir, env: { OUT_DIR: "custom" } }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, "custom/products.json"))).toBe(true);
    fs.writeFileSync(
      path.join(dir, "flows/stock/flow.yml"),
      files["flows/stock/flow.yml"].replace("${OUT_DIR}", "${OUT_DIR:-dflt}"),
    );
    expect(hygge(["go", "--flow", "stock"], { cwd: dir, env: { OUT_DIR: undefined } }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, "dflt/products.json"))).toBe(true);
  });

  test("bad YAML names the file and the line", () => {
    const err = configError({
      "flows/stock/flow.yml": "home:\n  type: memory\nstore:\n  type: jsonfile\n  path: [out\n",
    });
    expect(err).toMatch(/flows\/stock\/flow\.yml:\d+:\d+: invalid YAML/);
    expect(err).toMatch(/line \d+ of flows\/stock\/flow\.yml/);
    const dup = configError({ "hygge.yml": "name: demo\nname: again\nplugins: [PLUGIN]\n" });
    expect(dup).toContain("hygge.yml:2:1: invalid YAML: Map keys must be unique");
  });

  test("a flow folder without flow.yml, a missing flows_dir, a project file that is not a mapping", () => {
    expect(configError({ "flows/empty/readme.txt": "x" })).toContain('flow folder "empty" has no flow.yml');
    expect(configError({ "hygge.yml": "name: demo\nplugins: [PLUGIN]\nflows_dir: pipelines\n" })).toContain(
      "hygge.yml: flows_dir: folder pipelines does not exist",
    );
    expect(configError({ "hygge.yml": "- just\n- a list\n" })).toContain(
      "hygge.yml: (top level): must be a mapping",
    );
  });

  test("no project found, and --project pointing nowhere", () => {
    const empty = testdir({}, fs.mkdtempSync(path.join(os.tmpdir(), "hygge-none-")));
    const none = hygge(["go"], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no hygge project found");
    expect(none.stderr).toContain("hygge init");
    const missing = hygge(["go", "--project", path.join(empty, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such folder");
    fs.rmSync(path.dirname(empty), { recursive: true, force: true });
  });

  test("a project with no flows is an error, not a silent success", () => {
    const dir = memoryProject({ "hygge.yml": "name: demo\nplugins: [PLUGIN]\n" });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the project defines no flow to run");
  });

  test("unknown command-line options are usage errors with a suggestion", () => {
    const r = hygge(["go", "--dryrun"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--dryrun'[\s\S]*Did you mean --dry-run\?/);
  });
});
