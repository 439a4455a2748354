import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hashTree, hygge, memoryProject, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

const PASSWORD = "Sup3r-S3cret-Pw";
const TOKEN = "tok_9f8e7d6c5b4a";

/** A project whose connection password comes from the environment and whose store leaks it in an error. */
const SECRET_FILES = {
  ...TWO_FLOWS,
  "hygge.yml": `name: demo
plugins: [PLUGIN]
connections:
  warehouse:
    type: memory
    password: \${WAREHOUSE_PASSWORD}
    note: "postgres://loader:${TOKEN}@db.example.com/dw"
`,
  "flows/stock/flow.yml":
    "home: {type: memory}\nstore:\n  type: jsonfile\n  path: out\n  connection: warehouse\n  leak_password: true\nentities: [products]\n",
};
const env = { WAREHOUSE_PASSWORD: PASSWORD };

describe("--dry-run", () => {
  test("prints home → store, run type and watermark per entity and leaves the folder byte-for-byte unchanged", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "flows/sales/entities/orders.yml":
        "run_type: incremental\nwatermark:\n  watermark_column: id\n  primary_key: id\n",
    });
    const before = hashTree(dir);
    const r = hygge(["go", "--dry-run"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 entities would run; nothing was opened, read or written");
    expect(r.stdout).toMatch(
      /sales\.customers\s+full_drop\s+memory:customers → jsonfile out\/customers\.json\s+-/,
    );
    expect(r.stdout).toMatch(
      /sales\.orders\s+incremental\s+memory:orders → jsonfile out\/orders\.json\s+id: from the start/,
    );
    expect(hashTree(dir)).toBe(before);

    const json = hygge(["go", "--dry-run", "--json", "--incremental", "--flow", "sales"], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({
      status: "dry-run",
      exitCode: 0,
      project: "demo",
      entities: [
        expect.objectContaining({ id: "sales.customers", runType: "incremental", home: "memory:customers" }),
        expect.objectContaining({ id: "sales.orders", runType: "incremental", watermarkColumn: "id" }),
      ],
    });
    expect(hashTree(dir)).toBe(before);
  });

  test("opens no connection: a store that fails on creation is not touched", () => {
    const dir = memoryProject(SECRET_FILES);
    const before = hashTree(dir);
    const r = hygge(["go", "--dry-run"], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("stock.products");
    expect(hashTree(dir)).toBe(before);
  });
});

describe("secrets", () => {
  test("a password from the environment and a URL credential never appear in go, --json, --dry-run, debug or errors", () => {
    const dir = memoryProject(SECRET_FILES);
    const outputs = [
      hygge(["go"], { cwd: dir, env }),
      hygge(["go", "--json"], { cwd: dir, env }),
      hygge(["go", "--verbose"], { cwd: dir, env }),
      hygge(["go", "--dry-run", "--json"], { cwd: dir, env }),
      hygge(["debug"], { cwd: dir, env }),
      hygge(["go", "--var", "flow.stock.store.pth=1"], { cwd: dir, env }),
    ];
    expect(outputs[0]!.code).toBe(1);
    expect(outputs[0]!.stdout).toContain("login failed with password ***");
    expect(outputs[4]!.stdout).toContain("login failed with password ***");
    expect(outputs[5]!.code).toBe(2);
    for (const r of outputs) {
      expect(r.all).not.toContain(PASSWORD);
      expect(r.all).not.toContain(TOKEN);
    }
    expect(fs.existsSync(path.join(dir, "out/products.json"))).toBe(false);
  });

  test("a YAML error shows the lines around it with secret values masked", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "hygge.yml": `name: demo\nplugins: [PLUGIN]\nconnections:\n  db:\n    type: memory\n    password: ${PASSWORD}\n   note: [bad\n`,
    });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hygge\.yml:\d+:\d+: invalid YAML/);
    expect(r.all).not.toContain(PASSWORD);
  });
});
