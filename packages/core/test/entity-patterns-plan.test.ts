import {
  type HyggeError,
  type ProjectConfig,
  planProject,
  planProjectWithDiscovery,
  prepareProject,
  Registry,
  RunResources,
  runProject,
} from "@hygge/core";
import { MemoryBackend, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { type CatalogCalls, catalogPlugin, newCalls } from "./catalog-plugin.js";

const TABLES = ["sales.orders", "sales.customers", "sales.tmp_load", "crm.users"];
const sources = { project: "hygge.yml", flows: { shop: "flows/shop/flow.yml" } };

function project(
  entities: unknown[] | undefined,
  connection: Record<string, unknown> = {},
  home = {},
): ProjectConfig {
  return {
    connections: { db: { type: "catalog", tables: TABLES, ...connection } },
    flows: {
      shop: {
        home: { type: "catalog", connection: "db", table: "{entity}", ...home },
        store: { type: "memory" },
        ...(entities ? { entities } : {}),
      },
    },
  } as ProjectConfig;
}

function setup() {
  const backend = new MemoryBackend();
  for (const [i, name] of TABLES.entries()) backend.put(name, sequenceBatches(i + 2, 10));
  const calls = newCalls();
  return { backend, calls, plugins: [catalogPlugin(backend, calls)] };
}

async function prepare(p: ProjectConfig, calls?: CatalogCalls, entities?: string[]) {
  const { plugins } = calls ? { plugins: [catalogPlugin(new MemoryBackend(), calls)] } : setup();
  return prepareProject({ project: p, plugins, sources, entities });
}

async function configProblems(p: Promise<unknown>) {
  const error = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as HyggeError | undefined;
  if (!error) throw new Error("expected an error");
  expect(error.code).toBe("CONFIG_INVALID");
  return error.details as { file?: string; path: string; message: string; hint?: string }[];
}

describe("entities: patterns", () => {
  it("expands inclusions minus exclusions, in the home's order, and says which pattern matched", async () => {
    const calls = newCalls();
    const prepared = await prepare(project(["sales.*", "!sales.tmp_*"]), calls);
    expect(prepared.runs.map((r) => [r.id, r.entity, r.pattern])).toEqual([
      ["shop.sales.orders", "sales.orders", "sales.*"],
      ["shop.sales.customers", "sales.customers", "sales.*"],
    ]);
    expect(prepared.runs[0]!.home.options).toEqual({ connection: "db", table: "{entity}" });
    // The home got the patterns, and the pool discovery opened was closed before returning.
    expect(calls.discovered).toEqual([{ flow: "shop", patterns: ["sales.*", "!sales.tmp_*"] }]);
    expect([calls.opened, calls.closed]).toEqual([1, 1]);
  });

  it("lets names listed explicitly win: listed once, with their own settings", async () => {
    const prepared = await prepare(
      project([{ name: "sales.customers", run_type: "incremental" }, "sales.*", "crm.users"]),
    );
    expect(prepared.runs.map((r) => [r.entity, r.runType, r.pattern])).toEqual([
      ["sales.customers", "incremental", undefined],
      ["crm.users", "full_drop", undefined],
      ["sales.orders", "full_drop", "sales.*"],
      ["sales.tmp_load", "full_drop", "sales.*"],
    ]);
  });

  it("attributes each entity to the first inclusion matching it; several patterns never duplicate", async () => {
    const prepared = await prepare(project(["*.users", "{sales,crm}.*", "!*.tmp_*"]));
    expect(prepared.runs.map((r) => `${r.entity} ${r.pattern}`)).toEqual([
      "crm.users *.users",
      "sales.orders {sales,crm}.*",
      "sales.customers {sales,crm}.*",
    ]);
  });

  it("with exclusions only, takes everything else", async () => {
    const prepared = await prepare(project(["!sales.*"]));
    expect(prepared.runs.map((r) => r.entity)).toEqual(["crm.users"]);
  });

  it("accepts an exclusion that matches nothing", async () => {
    const prepared = await prepare(project(["crm.*", "!crm.nothing_*"]));
    expect(prepared.runs.map((r) => r.entity)).toEqual(["crm.users"]);
  });

  it("selects an expanded entity with --entity FLOW.ENTITY", async () => {
    const prepared = await prepare(project(["sales.*"]), undefined, ["shop.sales.orders"]);
    expect(prepared.runs.map((r) => r.id)).toEqual(["shop.sales.orders"]);
  });

  it("refuses a pattern that matches nothing, naming the flow file, the pattern and what the home holds", async () => {
    const issues = await configProblems(prepare(project(["sales.*", "hr.*"])));
    expect(issues).toEqual([
      {
        file: "flows/shop/flow.yml",
        path: "entities",
        message:
          'pattern "hr.*" of flow shop matches nothing in catalog home (connection db) (it holds: sales.orders, sales.customers, sales.tmp_load, crm.users)',
        hint: expect.stringContaining("hygge discover"),
      },
    ]);
  });

  it("says what the home holds when it narrowed its answer with the patterns (asking again without)", async () => {
    const calls = newCalls();
    const issues = await configProblems(prepare(project(["sales.*", "hr.*"], { narrow: true }), calls));
    expect(issues.map((i) => i.message)).toEqual([
      'pattern "hr.*" of flow shop matches nothing in catalog home (connection db) (it holds: sales.orders, sales.customers, sales.tmp_load, crm.users)',
    ]);
    expect(calls.discovered).toEqual([
      { flow: "shop", patterns: ["sales.*", "hr.*"] },
      { flow: "shop", patterns: undefined },
    ]);
  });

  it("says so when the home holds nothing at all (most likely the wrong connection)", async () => {
    const issues = await configProblems(prepare(project(["sales.*"], { tables: [] })));
    expect(issues[0]!.message).toContain("(it holds no entity at all)");
    expect(issues[0]!.hint).toContain("Check that the connection points at the database or folder you meant");
  });

  it("refuses exclusions that leave no entity", async () => {
    const issues = await configProblems(prepare(project(["!*"])));
    expect(issues).toEqual([
      expect.objectContaining({ path: "entities", message: expect.stringContaining("lists no entities") }),
    ]);
  });

  it("skips a discovered name that is not a valid entity name, with a warning; the others run", async () => {
    const prepared = await prepare(project(["sales.*"], { tables: ["sales.ok", "sales.bad name"] }));
    expect(prepared.runs.map((r) => r.id)).toEqual(["shop.sales.ok"]);
    expect(prepared.plan.warnings).toEqual([
      expect.stringContaining('"sales.bad name" (matched by "sales.*") is skipped: not a valid entity name'),
    ]);
    expect(prepared.plan.warnings![0]).toContain('exclude it with "!sales.bad name"');
  });

  it("refuses exclusions alone next to listed names (they would select everything else)", async () => {
    const issues = await configProblems(prepare(project(["sales.orders", "!sales.tmp_*"])));
    expect(issues).toEqual([
      expect.objectContaining({
        path: "entities",
        message: '"!sales.tmp_*" next to names: exclusions alone select everything else the home holds',
      }),
    ]);
    const all = await prepare(project(["sales.orders", "*", "!sales.tmp_*"]));
    expect(all.runs.map((r) => r.id).sort()).toEqual([
      "shop.crm.users",
      "shop.sales.customers",
      "shop.sales.orders",
    ]);
  });

  it("asks only the homes of the selected flows (--flow, --entity)", async () => {
    const calls = newCalls();
    const p = project(["sales.*"]);
    // A second flow whose home cannot answer: asked, it would fail the whole plan.
    (p.connections as Record<string, unknown>).down = { type: "catalog", tables: [], fail: true };
    (p.flows as Record<string, unknown>).other = {
      home: { type: "catalog", connection: "down", table: "{entity}" },
      store: { type: "memory" },
      entities: ["crm.*"],
    };
    const { plugins } = { plugins: [catalogPlugin(new MemoryBackend(), calls)] };
    const only = await prepareProject({ project: p, plugins, sources, flows: ["shop"] });
    expect(only.runs.map((r) => r.id)).toEqual([
      "shop.sales.orders",
      "shop.sales.customers",
      "shop.sales.tmp_load",
    ]);
    expect(only.plan.runs.every((r) => r.flow === "shop")).toBe(true);
    const byEntity = await prepareProject({ project: p, plugins, sources, entities: ["shop.sales.orders"] });
    expect(byEntity.runs.map((r) => r.id)).toEqual(["shop.sales.orders"]);
    expect(calls.discovered.map((c) => c.flow)).toEqual(["shop", "shop"]);
    // Without a selection every flow is asked, and the one that cannot answer fails the plan.
    await expect(prepareProject({ project: p, plugins, sources })).rejects.toThrow("ECONNREFUSED");
  });

  it("refuses patterns on a home type without discover, naming the key and the type", async () => {
    const issues = await configProblems(prepare(project(["sales.*"], {}, { type: "plain" })));
    expect(issues).toEqual([
      {
        file: "flows/shop/flow.yml",
        path: "entities",
        message:
          '"sales.*": patterns need a home that can list its entities, and home type "plain" (catalog-test) cannot',
        hint: expect.stringContaining("List the entities by name"),
      },
    ]);
  });

  it("reports a bad key of the flow's home once, whether patterns or listed names meet it, and asks nothing", async () => {
    const calls = newCalls();
    const issues = await configProblems(
      prepare(project(["sales.*", "crm.users"], {}, { tabel: "x" }), calls),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        file: "flows/shop/flow.yml",
        path: "home.tabel",
        message: 'unknown key "tabel"',
      }),
    ]);
    expect(calls.discovered).toEqual([]);
  });

  it("fails naming the flow and the connection when discovery fails, and closes what it opened", async () => {
    const calls = newCalls();
    const error = (await prepare(project(["sales.*"], { fail: true }), calls).catch((e) => e)) as HyggeError;
    expect(error.code).toBe("CONNECTION_FAILED");
    expect(error.flow).toBe("shop");
    expect(error.message).toBe(
      "cannot list what catalog home (connection db) holds, to expand entities: sales.* (flows/shop/flow.yml): connect ECONNREFUSED 127.0.0.1:1",
    );
    expect(error.hint).toBe("Is the server running?");
    expect([calls.opened, calls.closed]).toEqual([1, 1]);
  });

  it("opens nothing for a project without patterns", async () => {
    const calls = newCalls();
    const prepared = await prepare(project(["sales.orders"]), calls);
    expect(prepared.runs.map((r) => r.id)).toEqual(["shop.sales.orders"]);
    expect(calls.discovered).toEqual([]);
  });

  it("does not ask a disabled flow's home", async () => {
    const calls = newCalls();
    const p = project(["sales.*"], { fail: true });
    (p.flows!.shop as { enabled?: boolean }).enabled = false;
    const prepared = await prepare(p, calls);
    expect(prepared.runs).toEqual([]);
    expect(calls.discovered).toEqual([]);
  });

  it("planProject alone (which opens nothing) refuses patterns it was given no answer for", () => {
    const { plugins } = setup();
    let error: HyggeError | undefined;
    try {
      planProject(project(["sales.*"]), new Registry(plugins), { sources });
    } catch (e) {
      error = e as HyggeError;
    }
    expect(error?.details).toEqual([
      expect.objectContaining({
        path: "entities",
        message: "patterns (sales.*) need the home's list of entities, and none was asked for",
      }),
    ]);
  });

  it("points a bad entity object after a pattern at its index as written", async () => {
    const { plugins } = setup();
    const resources = new RunResources();
    const issues = await configProblems(
      planProjectWithDiscovery(
        project(["sales.*", { name: "x", run_typ: "full_drop" }]),
        new Registry(plugins),
        {
          sources,
          projectDir: ".",
          resources,
        },
      ),
    );
    await resources.closeAll();
    expect(issues.map((i) => i.path)).toEqual(["entities[1].run_typ"]);
  });

  it("copies every expanded entity", async () => {
    const { backend, plugins } = setup();
    const p = project(["sales.*", "!sales.tmp_*"]);
    (p.flows!.shop as { store: unknown }).store = { type: "memory", dataset: "out" };
    const summary = await runProject({ project: p, plugins });
    expect(summary.status).toBe("pass");
    expect(summary.totals.pass).toBe(2);
    // The sources hold 2, 3, 4 and 5 rows; the store writes out/<entity>.
    expect([...backend.datasets.keys()].filter((k) => k.startsWith("out/")).sort()).toEqual([
      "out/sales.customers",
      "out/sales.orders",
    ]);
    expect([backend.rows("out/sales.orders"), backend.rows("out/sales.customers")]).toEqual([2, 3]);
  });
});
