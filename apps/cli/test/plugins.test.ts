import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hygge, memoryProject, REPO, readJson } from "./helpers.js";

afterAll(cleanup);

/** A third party's plugin as a plain .mjs file next to the project, using `z` from @hygge/core. */
const COUNTER_PLUGIN = `import { z } from "@hygge/core";
import { Int32, makeVector, RecordBatch, Table } from "apache-arrow";

const options = z.strictObject({ rows: z.number().int().min(0), start: z.number().int().optional() });
export default {
  name: "hygge-plugin-counter",
  homes: {
    counter: {
      options,
      describe: (o) => \`counter 0..\${o.rows}\`,
      create: (o) => ({
        async *read() {
          const start = o.start ?? 0;
          const values = Int32Array.from({ length: o.rows }, (_, i) => start + i);
          yield new Table({ n: makeVector(values) }).batches[0] ?? new RecordBatch({ n: makeVector(new Int32Array()) });
        },
        async estimateRows() { return o.rows; },
      }),
    },
  },
};
`;

describe("plugins", () => {
  test("a third-party plugin loaded from a relative path in the project", () => {
    const dir = memoryProject({
      "hygge.yml": "name: demo\nplugins:\n  - ./plugins/counter.mjs\n  - PLUGIN\n",
      "plugins/counter.mjs": COUNTER_PLUGIN,
      "flows/count/flow.yml":
        "home:\n  type: counter\n  rows: 4\n  start: 10\nstore:\n  type: jsonfile\n  path: out\nentities: [count]\n",
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readJson(path.join(dir, "out/count.json"))).toEqual([{ n: 10 }, { n: 11 }, { n: 12 }, { n: 13 }]);
    const typo = hygge(["go", "--var", "flow.count.home.rws=3"], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('home.rws: unknown key "rws" (did you mean "rows"?)');
  });

  test("a plugin that cannot be found: one error listing every attempt and the install command", () => {
    const dir = memoryProject({
      "hygge.yml": "name: demo\nplugins:\n  - PLUGIN\n  - snowflake\n  - ./plugins/missing.mjs\n",
      "flows/count/flow.yml":
        "home: {type: memory}\nstore: {type: jsonfile, path: out}\nentities: [products]\n",
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[PLUGIN_NOT_FOUND] 2 plugins could not be loaded");
    expect(r.stderr).toContain(`@hygge/snowflake from ${dir}: not installed`);
    expect(r.stderr).toContain("hygge-plugin-snowflake from");
    expect(r.stderr).toContain(`${path.join(dir, "plugins/missing.mjs")}: no such file`);
    expect(r.stderr).toContain("npm install @hygge/snowflake");
  });

  test("a module that is not a plugin is rejected with what is wrong", () => {
    const dir = memoryProject({
      "hygge.yml": "name: demo\nplugins:\n  - ./bad.mjs\n",
      "bad.mjs": "export default { homes: { x: { create() {} } } };\n",
      "flows/count/flow.yml": "home: {type: x}\nstore: {type: x}\n",
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[PLUGIN_INVALID]");
    expect(r.stderr).toContain("`name` must be a non-empty string");
    expect(r.stderr).toContain("homes.x.options must be a zod schema");
  });

  test("first-party short names resolve from the CLI's own install when the project has no node_modules", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-cli-"));
    const dir = memoryProject(
      {
        "hygge.yml": "name: demo\nplugins: [parquet, PLUGIN]\n",
        "flows/stock/flow.yml":
          "home: {type: memory}\nstore: {type: jsonfile, path: out}\nentities: [products]\n",
      },
      outside,
    );
    const r = hygge(["debug"], { cwd: dir });
    expect(r.stdout).toContain("plugin @hygge/parquet (parquet)");
    expect(r.code).toBe(0);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test("a project without `plugins:` (a Python hygge project) loads the first-party plugins of the types it uses", () => {
    const data = path.join(REPO, "samples/quickstart/data");
    const dir = memoryProject({
      "hygge.yml": "name: legacy\n",
      "flows/copy/flow.yml": `home:\n  type: parquet\n  path: ${data}\nstore:\n  type: parquet\n  path: out\nentities: [products]\n`,
    });
    const r = hygge(["go", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { totals: { rows: number } }).totals.rows).toBe(200);
    expect(fs.readdirSync(path.join(dir, "out/products")).some((f) => f.endsWith(".parquet"))).toBe(true);
  });
});
