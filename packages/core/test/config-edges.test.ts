import { type HyggeError, mergeLevels, type ProjectConfig, planProject, Registry } from "@hygge/core";
import { MemoryBackend } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { catalogPlugin, newCalls } from "./catalog-plugin.js";

const registry = () => new Registry([catalogPlugin(new MemoryBackend(), newCalls())]);
const sources = {
  project: "hygge.yml",
  flows: { shop: "flows/shop/flow.yml" },
  entities: { "shop.orders": "flows/shop/entities/orders.yml" },
};
const problems = (p: ProjectConfig) => {
  try {
    planProject(p, registry(), { sources });
  } catch (e) {
    expect((e as HyggeError).code).toBe("CONFIG_INVALID");
    return (e as HyggeError).details as { file?: string; path: string; message: string; hint?: string }[];
  }
  throw new Error("expected a configuration error");
};
const shop = (flow: Record<string, unknown>, type = "catalog"): ProjectConfig =>
  ({
    connections: { db: { type: "catalog", tables: [] } },
    flows: {
      shop: { home: { type, connection: "db", table: "sales.{entity}" }, store: { type: "memory" }, ...flow },
    },
  }) as ProjectConfig;

describe("a flow without entities", () => {
  for (const [what, flow] of [
    ["no entities: key", {}],
    ["entities: []", { entities: [] }],
  ] as const) {
    it(`is refused with ${what}, saying what to write`, () => {
      expect(problems(shop(flow))).toEqual([
        {
          file: "flows/shop/flow.yml",
          path: "entities",
          message: "flow shop lists no entities: each entity is one run of the flow, so nothing would run",
          hint: expect.stringContaining('A flow that reads one thing names it once: "entities: [shop]"'),
        },
      ]);
    });
  }

  it("runs a flow that names its one entity after itself", () => {
    const plan = planProject(shop({ entities: ["shop"] }), registry(), { sources });
    expect(plan.runs.map((r) => [r.id, r.entity])).toEqual([["shop.shop", "shop"]]);
  });

  it("accepts a flow whose entities are all disabled (nothing runs, on purpose)", () => {
    const plan = planProject(shop({ entities: [{ name: "orders", enabled: false }] }), registry(), {
      sources,
    });
    expect(plan.runs).toEqual([]);
  });
});

describe("keys that replace each other across levels (alternatives)", () => {
  it("lets an entity's query replace the flow's table", () => {
    const plan = planProject(
      shop({ entities: [{ name: "orders", home: { query: "select * from sales.orders" } }, "customers"] }),
      registry(),
      { sources },
    );
    expect(plan.runs.map((r) => r.home.options)).toEqual([
      { connection: "db", query: "select * from sales.orders" },
      { connection: "db", table: "sales.{entity}" },
    ]);
  });

  it("lets defaults.home.table replace the flow's query, and an entity's table replace defaults' query", () => {
    const flow = {
      home: { type: "catalog", connection: "db", query: "select * from x" },
      defaults: { home: { table: "d.{entity}" } },
      entities: ["a", { name: "b", home: { query: "select * from y" } }],
    };
    const plan = planProject(shop(flow), registry(), { sources });
    expect(plan.runs.map((r) => r.home.options)).toEqual([
      { connection: "db", table: "d.{entity}" },
      { connection: "db", query: "select * from y" },
    ]);
  });

  it("still refuses both keys set on one level", () => {
    const issues = problems(
      shop({ entities: [{ name: "orders", home: { table: "t", query: "select 1" } }] }),
    );
    expect(issues).toEqual([
      expect.objectContaining({ path: "home", message: "set exactly one of table or query" }),
    ]);
  });

  it("leaves a home that declares no alternatives to its schema (both keys reach it)", () => {
    const issues = problems(
      shop({ entities: [{ name: "orders", home: { query: "select * from sales.orders" } }] }, "plain"),
    );
    expect(issues).toEqual([
      expect.objectContaining({ path: "home", message: "set exactly one of table or query" }),
    ]);
  });

  it("mergeLevels deep-merges the rest and removes only the replaced key", () => {
    expect(
      mergeLevels(
        [{ table: "t", opts: { a: 1, b: 2 }, keep: true }, undefined, { query: "q", opts: { b: 3 } }],
        [["table", "query"]],
      ),
    ).toEqual({ query: "q", opts: { a: 1, b: 3 }, keep: true });
    expect(mergeLevels([{ table: "t" }, { table: "u" }], [["table", "query"]])).toEqual({ table: "u" });
  });
});
