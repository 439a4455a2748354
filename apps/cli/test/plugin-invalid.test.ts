import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, DEFAULT_PROJECT, FIXTURE_PLUGIN, hygge, memoryProject, readJson } from "./helpers.js";

afterAll(cleanup);

const MALFORMED = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "malformed");

/** A project loading the memory fixture plugin and `fixture` (a malformed plugin), with one flow. */
function project(fixture: string, flow: string): string {
  const dir = memoryProject({ "hygge.yml": DEFAULT_PROJECT, "flows/f/flow.yml": flow });
  const plugins = [path.join(MALFORMED, fixture), FIXTURE_PLUGIN].map(
    (p) => `  - ${path.relative(dir, p)}\n`,
  );
  fs.writeFileSync(path.join(dir, "hygge.yml"), `name: demo\nplugins:\n${plugins.join("")}`);
  return dir;
}

const TO_JSON = "store: {type: jsonfile, path: out}\nentities: [x]\n";

describe("malformed plugins: PLUGIN_INVALID naming the plugin and what is wrong", () => {
  test("a module without a default export lists what it does export", () => {
    const dir = project("no-default.mjs", `home: {type: memory}\n${TO_JSON}`);
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `[PLUGIN_INVALID] plugin ${path.relative(dir, path.join(MALFORMED, "no-default.mjs"))}`,
    );
    expect(r.stderr).toContain(
      `(${path.join(MALFORMED, "no-default.mjs")}) has no default export (it exports helper, homes)`,
    );
    expect(r.stderr).toContain(
      "hint: A plugin module's default export is the plugin: `export default { name:",
    );
  });

  test("a module whose default export is a function", () => {
    const dir = project("default-function.mjs", `home: {type: memory}\n${TO_JSON}`);
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "default-function.mjs) has a default export that is a function, not a plugin object",
    );
    expect(r.stderr).toContain("hint: Export the plugin object itself, not a function");
  });

  test("a store without runTypes and a home without create: both named, with the plugin's file", () => {
    const dir = project("no-run-types.mjs", `home: {type: memory}\n${TO_JSON}`);
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[PLUGIN_INVALID]");
    expect(r.stderr).toContain(`(${path.join(MALFORMED, "no-run-types.mjs")}) is invalid:`);
    expect(r.stderr).toContain("homes.source.create must be a function (it has none");
    expect(r.stderr).toContain(
      "stores.sink.runTypes must list the run types it supports, among full_drop, incremental, merge (it has none)",
    );
    expect(r.stderr).toContain("hint: Fix the plugin named above.");
  });

  test("create() returning something that is not a home: named with its type, flow and entity", () => {
    const dir = project("not-a-home.mjs", `home: {type: odd}\n${TO_JSON}`);
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'home type "odd" of plugin hygge-plugin-odd: create() returned an object without a read() function, not a home',
    );
    expect(r.stderr).toContain("[PLUGIN_INVALID] flow f, entity x, plugin hygge-plugin-odd");
    expect(r.stderr).not.toContain("INTERNAL");
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  test("create() returning a store without abort()", () => {
    const dir = project("not-a-home.mjs", "home: {type: memory}\nstore: {type: odd}\nentities: [products]\n");
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'store type "odd" of plugin hygge-plugin-odd: create() returned an object with no abort(), not a store',
    );
  });

  test("a home yielding plain objects: the home is blamed, not the store, and nothing is written", () => {
    const dir = project("yields-rows.mjs", `home: {type: rows}\n${TO_JSON}`);
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("[PLUGIN_INVALID] flow f, entity x, plugin hygge-plugin-rows");
    expect(r.stderr).toContain(
      "the home of plugin hygge-plugin-rows yielded a plain object as its 1st value, not an Arrow RecordBatch",
    );
    expect(r.stderr).not.toContain("INTERNAL");
    expect(r.stderr).not.toContain("hygge-plugin-test-memory");
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  test("a home yielding no batch at all: refused in a full_drop run, accepted as 'nothing new' in an incremental one", () => {
    const dir = project("yields-rows.mjs", `home: {type: nothing}\n${TO_JSON}`);
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "the home of plugin hygge-plugin-rows yielded no batch at all in a full_drop run: the destination would be replaced by one without columns",
    );
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
    const inc = hygge(["go", "--json", "--var", "flow.f.run_type=incremental"], { cwd: dir });
    expect(inc.stderr).not.toContain("PLUGIN_INVALID");
    expect(inc.stderr).toContain("f.x: done, 0 rows");
    expect(inc.code).toBe(0);
    expect((JSON.parse(inc.stdout) as { totals: { rows: number } }).totals.rows).toBe(0);
    expect(readJson(path.join(dir, "out/x.json"))).toEqual([]);
  });
});

describe("PLUGIN_NOT_FOUND suggests the installed near-miss", () => {
  test("a first-party short name with a typo: parqet → parquet", () => {
    const dir = memoryProject({
      "hygge.yml": "name: demo\nplugins: [parqet, PLUGIN]\n",
      "flows/f/flow.yml": `home: {type: memory}\n${TO_JSON}`,
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '[PLUGIN_NOT_FOUND] plugin "parqet" could not be loaded (did you mean "parquet"?)',
    );
    expect(r.stderr).toContain(
      'hint: Did you mean "parquet"? It is installed: fix the entry in `plugins:` in hygge.yml. If "parqet" is another plugin, install it in the project folder: npm install @hygge/parqet',
    );
  });

  test("a third-party package installed in the project (hygge-plugin-counter), and a plugin file next to the path", () => {
    const dir = memoryProject({
      "hygge.yml": "name: demo\nplugins: [countr, ./plugins/countr.mjs, PLUGIN]\n",
      "node_modules/hygge-plugin-counter/package.json":
        '{"name": "hygge-plugin-counter", "type": "module", "exports": "./index.mjs"}\n',
      "node_modules/hygge-plugin-counter/index.mjs": 'export default { name: "hygge-plugin-counter" };\n',
      "plugins/counter.mjs": 'export default { name: "local-counter" };\n',
      "flows/f/flow.yml": `home: {type: memory}\n${TO_JSON}`,
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[PLUGIN_NOT_FOUND] 2 plugins could not be loaded");
    expect(r.stderr).toContain('plugin "countr" could not be loaded (did you mean "counter"?)');
    expect(r.stderr).toContain(
      'plugin "./plugins/countr.mjs" could not be loaded (did you mean "./plugins/counter.mjs"?)',
    );
    expect(r.stderr).toContain(
      'hint: Did you mean "counter" for "countr", "./plugins/counter.mjs" for "./plugins/countr.mjs"? Fix `plugins:` in hygge.yml.',
    );
  });

  test("a near name that is not installed is not suggested", () => {
    const dir = memoryProject({
      "hygge.yml": "name: demo\nplugins: [countr, PLUGIN]\n",
      "node_modules/hygge-plugin-counter/README.md": "a leftover folder, no package\n",
      "flows/f/flow.yml": `home: {type: memory}\n${TO_JSON}`,
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plugin "countr" could not be loaded; tried:');
    expect(r.stderr).not.toContain("did you mean");
  });

  test("nothing close: no suggestion", () => {
    const dir = memoryProject({
      "hygge.yml": "name: demo\nplugins: [snowflake, PLUGIN]\n",
      "flows/f/flow.yml": `home: {type: memory}\n${TO_JSON}`,
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plugin "snowflake" could not be loaded; tried:');
    expect(r.stderr).not.toContain("did you mean");
    expect(r.stderr).toContain("hint: Install it in the project folder: npm install @hygge/snowflake");
  });
});
