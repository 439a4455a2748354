import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hygge, testdir } from "./helpers.js";

afterAll(cleanup);

const CATALOG_PLUGIN = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  "fixtures",
  "catalog-plugin.mjs",
);
const TABLES = "[sales.orders, sales.customers, sales.tmp_load, crm.users]";

/** A project on the catalog fixture plugin: connection `db` holds TABLES; flows/shop/flow.yml as given. */
function project(flow: string, files: Record<string, string> = {}, connection = `tables: ${TABLES}`): string {
  const dir = testdir({});
  const plugin = path.relative(dir, CATALOG_PLUGIN);
  const all = {
    "hygge.yml": `name: demo\nplugins:\n  - ${plugin}\nconnections:\n  db:\n    type: catalog\n    ${connection}\n`,
    "flows/shop/flow.yml": flow,
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}
const FLOW = (entities: string) =>
  `home:\n  type: catalog\n  connection: db\n  table: "{entity}"\nstore:\n  type: memory\n  dataset: out\nentities: ${entities}\n`;

describe("entities: patterns in a project", () => {
  test("--dry-run lists the expanded entities and the pattern that brought them in", () => {
    const dir = project(FLOW('["sales.*", "!sales.tmp_*", crm.users]'));
    const r = hygge(["go", "--dry-run"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(
      "dry run: project demo, 3 entities would run; nothing was written (homes listed what they hold for entities: patterns)",
    );
    expect(lines.filter((l) => /^shop\.\S+\s/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual([
      "shop.crm.users",
      "shop.sales.orders",
      "shop.sales.customers",
    ]);
    expect(r.stdout).toContain('shop: "sales.*" → sales.orders, sales.customers (2)\n');
    const json = JSON.parse(hygge(["go", "--dry-run", "--json"], { cwd: dir }).stdout) as {
      entities: { id: string; pattern?: string }[];
    };
    expect(json.entities.map((e) => [e.id, e.pattern])).toEqual([
      ["shop.crm.users", undefined],
      ["shop.sales.orders", "sales.*"],
      ["shop.sales.customers", "sales.*"],
    ]);
  });

  test("go runs every expanded entity; --entity selects one by its expanded name", () => {
    const dir = project(FLOW('["sales.*", "!sales.tmp_*"]'));
    const all = JSON.parse(hygge(["go", "--json"], { cwd: dir }).stdout) as {
      flows: { id: string; rows: number }[];
    };
    expect(all.flows.map((f) => [f.id, f.rows])).toEqual([
      ["shop.sales.orders", 3],
      ["shop.sales.customers", 4],
    ]);
    const one = JSON.parse(
      hygge(["go", "--json", "--entity", "shop.sales.customers"], { cwd: dir }).stdout,
    ) as {
      flows: { id: string; rows: number }[];
    };
    expect(one.flows.map((f) => [f.id, f.rows])).toEqual([["shop.sales.customers", 4]]);
  });

  test("a pattern matching nothing is a configuration error naming the flow file, the pattern and what the home holds", () => {
    const r = hygge(["go"], { cwd: project(FLOW('["sales.*", "hr.*"]')) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      'flows/shop/flow.yml: entities: pattern "hr.*" of flow shop matches nothing in catalog home (connection db) (it holds: sales.orders, sales.customers, sales.tmp_load, crm.users)',
    );
    expect(r.stderr).toContain("hygge discover");
  });

  test("a pattern on a home type that cannot list its entities names the key and the type", () => {
    const r = hygge(["go"], { cwd: project(FLOW('["sales.*"]').replace("type: catalog", "type: plain")) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'flows/shop/flow.yml: entities: "sales.*": patterns need a home that can list its entities, and home type "plain" (hygge-plugin-test-catalog) cannot',
    );
  });

  test("discovery that fails names the flow and the connection", () => {
    const r = hygge(["go"], { cwd: project(FLOW('["sales.*"]'), {}, `tables: ${TABLES}\n    fail: true`) });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      "cannot list what catalog home (connection db) holds, to expand entities: sales.* (flows/shop/flow.yml): connect ECONNREFUSED 127.0.0.1:1",
    );
  });
});

describe("configuration edges", () => {
  test("an entity file's query: replaces the flow's table:", () => {
    const dir = project(FLOW("[sales.orders]"), {
      "flows/shop/entities/sales.orders.yml": 'home:\n  query: "select * from crm.users"\n',
    });
    const r = hygge(["go", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    // crm.users holds 6 rows, sales.orders 3: the entity's query was read.
    const summary = JSON.parse(r.stdout) as { flows: { id: string; rows: number }[] };
    expect(summary.flows.map((f) => [f.id, f.rows])).toEqual([["shop.sales.orders", 6]]);
  });

  test("a flow without entities is an error that says what to write", () => {
    const r = hygge(["go"], { cwd: project(FLOW("[]").replace("entities: []\n", "")) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "flows/shop/flow.yml: entities: flow shop lists no entities: each entity is one run of the flow, so nothing would run",
    );
    expect(r.stderr).toContain('A flow that reads one thing names it once: "entities: [shop]"');
  });

  test("an empty folder under flows/ is skipped with a warning on stderr", () => {
    const dir = project(FLOW("[crm.users]"), { "flows/later/.gitkeep": "" });
    fs.mkdirSync(path.join(dir, "flows/empty"));
    const r = hygge(["go", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "warning: skipped flows/empty: an empty folder, not a flow (add flow.yml to make it one, or remove it)",
    );
    expect(r.stderr).toContain("warning: skipped flows/later: an empty folder");
    expect((JSON.parse(r.stdout) as { flows: { id: string }[] }).flows.map((f) => f.id)).toEqual([
      "shop.crm.users",
    ]);
  });
});
