import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hygge, memoryProject, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

const PASSWORD = "Dot3nv-S3cret-Pw";

/** The stock flow writes to ${OUT_DIR}; its store logs in with ${WAREHOUSE_PASSWORD} and leaks it in an error. */
const FILES = {
  ...TWO_FLOWS,
  "hygge.yml": `name: demo
plugins: [PLUGIN]
connections:
  warehouse:
    type: memory
    password: \${WAREHOUSE_PASSWORD}
`,
  "flows/stock/flow.yml":
    "home: {type: memory}\nstore:\n  type: jsonfile\n  path: ${OUT_DIR}\n  connection: warehouse\nentities: [products]\n",
};
const UNSET = { OUT_DIR: undefined, WAREHOUSE_PASSWORD: undefined };

describe(".env in the project folder", () => {
  test("supplies ${VAR} values; a real environment variable wins", () => {
    const dir = memoryProject({
      ...FILES,
      ".env": `# local settings\nOUT_DIR=from-dotenv\nexport WAREHOUSE_PASSWORD="${PASSWORD}"\n`,
    });
    const r = hygge(["go", "--flow", "stock"], { cwd: dir, env: UNSET });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, "from-dotenv/products.json"))).toBe(true);

    const real = hygge(["go", "--flow", "stock"], { cwd: dir, env: { ...UNSET, OUT_DIR: "from-env" } });
    expect(real.code).toBe(0);
    expect(fs.existsSync(path.join(dir, "from-env/products.json"))).toBe(true);
  });

  test("a secret from .env is redacted in --dry-run output and in errors", () => {
    const dir = memoryProject({
      ...FILES,
      "flows/stock/flow.yml": FILES["flows/stock/flow.yml"].replace(
        "connection: warehouse",
        "connection: warehouse\n  leak_password: true",
      ),
      ".env": `OUT_DIR=out\nWAREHOUSE_PASSWORD=${PASSWORD}\n`,
    });
    const outputs = [
      hygge(["go", "--dry-run"], { cwd: dir, env: UNSET }),
      hygge(["go", "--dry-run", "--json"], { cwd: dir, env: UNSET }),
      hygge(["go", "--flow", "stock"], { cwd: dir, env: UNSET }),
      hygge(["go", "--flow", "stock", "--json"], { cwd: dir, env: UNSET }),
    ];
    expect(outputs[0]!.code).toBe(0);
    expect(outputs[0]!.stdout).toContain("stock.products");
    expect(outputs[2]!.code).toBe(1);
    expect(outputs[2]!.stdout).toContain("login failed with password ***");
    for (const r of outputs) expect(r.all).not.toContain(PASSWORD);
  });

  test("a malformed .env is a configuration error naming the file and the line", () => {
    for (const [content, message] of [
      // The malformed line is not echoed: it may be a secret missing its NAME=.
      ["OUT_DIR=out\nhunter2-not-a-variable\n", ".env:2: expected NAME=value, found no ="],
      ["OUT_DIR=out\n1BAD=x\n", '.env:2: "1BAD" is not a valid variable name'],
      [
        'OUT_DIR="out\nWAREHOUSE_PASSWORD=x\n',
        '.env:1: the value of OUT_DIR opens a " quote that is never closed',
      ],
    ] as const) {
      const dir = memoryProject({ ...FILES, ".env": content });
      const r = hygge(["go"], { cwd: dir, env: UNSET });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain("NAME=value");
      expect(r.stderr).not.toContain("hunter2");
    }
  });

  test("every missing variable is reported at once, with the file and keys", () => {
    const dir = memoryProject({
      ...FILES,
      "flows/stock/flow.yml":
        "home:\n  type: memory\n  dataset: ${DATASET}\nstore:\n  type: jsonfile\n  path: ${OUT_DIR}/${SUB}\nentities: [products]\n",
    });
    const r = hygge(["go", "--flow", "stock"], { cwd: dir, env: { ...UNSET, WAREHOUSE_PASSWORD: "x" } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      "3 environment variables are not set: DATASET (used at home.dataset); OUT_DIR (used at store.path); SUB (used at store.path)",
    );
    expect(r.stderr).toContain("flows/stock/flow.yml");
    expect(r.stderr).toContain("Export DATASET, OUT_DIR, SUB, or give defaults with ${DATASET:-value}.");
  });
});
