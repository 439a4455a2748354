import {
  applyOverrides,
  type HyggeError,
  type ProjectConfig,
  planProject,
  projectJsonSchemas,
  Registry,
  substituteEnv,
  z,
} from "@hygge/core";
import { MemoryBackend, memoryPlugin } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";

const registry = () => new Registry([memoryPlugin(new MemoryBackend())]);
const project = (flows: ProjectConfig["flows"], extra: Partial<ProjectConfig> = {}): ProjectConfig => ({
  name: "p",
  flows,
  ...extra,
});
const issues = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (
      ((e as HyggeError).details as { path: string; message: string; hint?: string; file?: string }[]) ?? e
    );
  }
  throw new Error("expected a configuration error");
};

describe("planning a project", () => {
  it("expands entities, deep-merges defaults and entity overrides", () => {
    const plan = planProject(
      project({
        sales: {
          home: { type: "memory", dataset: "src" },
          store: { type: "memory", dataset: "dst", delay_ms: 1 },
          defaults: {
            store: { delay_ms: 2 },
            run_type: "incremental",
            watermark: { watermark_column: "ts", primary_key: "id" },
          },
          entities: ["users", { name: "orders", store: { fail_on_commit: true }, run_type: "full_drop" }],
        },
        single: { home: { type: "memory" }, store: { type: "memory" }, entities: ["single"] },
      }),
      registry(),
    );
    expect(plan.runs.map((r) => r.id)).toEqual(["sales.users", "sales.orders", "single.single"]);
    const [users, orders, single] = plan.runs;
    expect(users!.store.options).toEqual({ dataset: "dst", delay_ms: 2 });
    expect(users!.runType).toBe("incremental");
    expect(users!.watermark).toEqual({ column: "ts", primaryKey: ["id"] });
    expect(orders!.store.options).toEqual({ dataset: "dst", delay_ms: 2, fail_on_commit: true });
    expect(orders!.runType).toBe("full_drop");
    expect(single!.entity).toBe("single");
  });

  it("the most specific level's key wins: an entity's watermark key over a flow-wide primary_key", () => {
    const plan = planProject(
      project({
        a: {
          home: { type: "memory" },
          store: { type: "memory" },
          primary_key: "id",
          watermark: { watermark_column: "ts" },
          entities: [
            { name: "lines", watermark: { watermark_column: "ts", primary_key: ["order_id", "line"] } },
            "plain",
          ],
        },
      }),
      registry(),
    );
    expect(plan.runs.map((r) => [r.id, r.primaryKey, r.watermark?.primaryKey])).toEqual([
      ["a.lines", ["order_id", "line"], ["order_id", "line"]],
      ["a.plain", ["id"], ["id"]],
    ]);
  });

  it("names the file and key of an unknown key, with the closest valid key", () => {
    const found = issues(() =>
      planProject(
        project({
          sales: { home: { type: "memory", batch_sise: 10 }, store: { type: "memory" }, entities: ["a"] },
        }),
        registry(),
        { sources: { project: "hygge.yml", flows: { sales: "flows/sales/flow.yml" } } },
      ),
    );
    expect(found).toEqual([
      {
        file: "flows/sales/flow.yml",
        path: "home.batch_sise",
        message: 'unknown key "batch_sise"',
        hint: 'did you mean "batch_size"?',
      },
    ]);
  });

  it("reports unknown keys in the project skeleton and relocates flow keys to the flow file", () => {
    const found = issues(() =>
      planProject(
        {
          name: "p",
          optons: {},
          flows: { a: { home: { type: "memory" }, store: { type: "memory" }, run_typ: "x" } },
        } as never,
        registry(),
        { sources: { project: "hygge.yml", flows: { a: "flows/a/flow.yml" } } },
      ),
    ) as { path: string; hint?: string; file?: string }[];
    expect(found).toContainEqual(
      expect.objectContaining({ file: "hygge.yml", path: "optons", hint: 'did you mean "options"?' }),
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        file: "flows/a/flow.yml",
        path: "run_typ",
        hint: 'did you mean "run_type"?',
      }),
    );
  });

  it("explains a bad inline entity by its keys, not as a vague union error, in the entity's own file", () => {
    const sources = {
      flows: { a: "flows/a/flow.yml" },
      entities: { "a.users": "flows/a/entities/users.yml" },
    };
    const found = issues(() =>
      planProject(
        project({
          a: {
            home: { type: "memory" },
            store: { type: "memory" },
            entities: ["x", { name: "users", run_typ: "full_drop" } as never],
          },
        }),
        registry(),
        { sources },
      ),
    );
    expect(found).toEqual([
      {
        file: "flows/a/entities/users.yml",
        path: "run_typ",
        message: 'unknown key "run_typ"',
        hint: 'did you mean "run_type"?',
      },
    ]);
  });

  it("blames the file that set the bad key: the flow file for flow keys, the entity file for overrides", () => {
    const sources = {
      flows: { a: "flows/a/flow.yml" },
      entities: { "a.users": "flows/a/entities/users.yml" },
    };
    const found = issues(() =>
      planProject(
        project({
          a: {
            home: { type: "memory", batch_sise: 1 },
            store: { type: "memory" },
            entities: [{ name: "users", store: { fail_on_comit: true } }],
          },
        }),
        registry(),
        { sources },
      ),
    ) as { file: string; path: string }[];
    expect(found.map((i) => [i.file, i.path])).toEqual([
      ["flows/a/flow.yml", "home.batch_sise"],
      ["flows/a/entities/users.yml", "store.fail_on_comit"],
    ]);
  });

  it("rejects wrong types and bad enum values with the key path", () => {
    const found = issues(() =>
      planProject(
        project({
          a: {
            home: { type: "memory", batch_size: "ten" },
            store: { type: "memory" },
            run_type: "incremantal" as never,
          },
        }),
        registry(),
      ),
    ) as { path: string; message: string; hint?: string }[];
    expect(found).toContainEqual(
      expect.objectContaining({ path: "flows.a.run_type", hint: 'did you mean "incremental"?' }),
    );
    expect(found.map((i) => i.path)).toContain("flows.a.run_type");
  });

  it("an unknown type names the flow, the type and the loaded plugins", () => {
    const found = issues(() =>
      planProject(
        project({ a: { home: { type: "parqet" }, store: { type: "memory" }, entities: ["a"] } }),
        registry(),
      ),
    );
    expect(found).toEqual([
      expect.objectContaining({
        path: "home.type",
        message: expect.stringContaining('home type "parqet" (flow a)'),
      }),
    ]);
    expect((found as { hint: string }[])[0]!.hint).toContain("@hygge/core/testing#memory");
  });

  it("refuses entity names that could escape a folder", () => {
    for (const name of ["../etc", "a/b", "a\\b", "x..y"]) {
      const found = issues(() =>
        planProject(
          project({ a: { home: { type: "memory" }, store: { type: "memory" }, entities: [name] } }),
          registry(),
        ),
      ) as { path: string }[];
      expect(found[0]!.path).toBe("flows.a.entities[0]");
    }
  });

  it("refuses a run type the store does not declare, and merge without a key", () => {
    const found = issues(() =>
      planProject(
        project({
          a: { home: { type: "memory" }, store: { type: "memory" }, run_type: "merge", entities: ["a"] },
        }),
        registry(),
      ),
    ) as { message: string }[];
    expect(found.map((i) => i.message)).toEqual([
      'store type "memory" does not support run_type merge (entity a.a)',
      "run_type merge needs a primary_key (entity a.a)",
    ]);
  });

  it("forces a run type for every entity when asked (--full-drop / --incremental)", () => {
    const plan = planProject(
      project({
        a: { home: { type: "memory" }, store: { type: "memory" }, run_type: "incremental", entities: ["a"] },
      }),
      registry(),
      {
        runType: "full_drop",
      },
    );
    expect(plan.runs[0]!.runType).toBe("full_drop");
  });

  it("validates connections with their plugin's schema and checks references", () => {
    const found = issues(() =>
      planProject(project({}, { connections: { wh: { type: "memory", pasword: "x" } } }), registry()),
    ) as { path: string; hint?: string }[];
    expect(found).toEqual([
      expect.objectContaining({ path: "connections.wh.pasword", hint: 'did you mean "password"?' }),
    ]);
  });
});

describe("values from the environment", () => {
  it("become numbers and booleans where the schema wants them; strings stay strings", () => {
    const plugin = {
      name: "typed",
      homes: {
        typed: {
          options: z.strictObject({
            port: z.number().int(),
            ssl: z.union([z.boolean(), z.strictObject({ ca: z.string() })]).optional(),
            password: z.string(),
          }),
          create: () => ({}) as never,
        },
      },
    };
    const reg = new Registry([memoryPlugin(new MemoryBackend()), plugin]);
    const env = { PORT: "5433", SSL: "true", PASS: "12345", CONC: "3" };
    const raw = substituteEnv(
      project(
        {
          a: {
            home: { type: "typed", port: "${PORT}", ssl: "${SSL}", password: "${PASS}" },
            store: { type: "memory" },
            entities: ["a"],
          },
        },
        { options: { concurrency: "${CONC}" as never } },
      ),
      env,
    );
    const plan = planProject(raw, reg);
    expect(plan.runs[0]!.home.options).toEqual({ port: 5433, ssl: true, password: "12345" });
    expect(plan.options.concurrency).toBe(3);
    const bad = issues(() =>
      planProject(
        project({
          a: {
            home: { type: "typed", port: "fivethousand", password: "x" },
            store: { type: "memory" },
            entities: ["a"],
          },
        }),
        reg,
      ),
    ) as { path: string }[];
    expect(bad.map((i) => i.path)).toEqual(["home.port"]);
  });
});

describe("environment, overrides and secrets", () => {
  it("substitutes ${VAR} and ${VAR:-default}; $${X} stays literal", () => {
    const out = substituteEnv({ a: "${A}", b: ["x-${B:-dflt}"], c: "$${A}", n: 3 }, { A: "one" });
    expect(out).toEqual({ a: "one", b: ["x-dflt"], c: "${A}", n: 3 });
  });

  it("an unset variable names the variable, the key and the file", () => {
    expect(() => substituteEnv({ conn: { password: "${PGPASS}" } }, {}, { file: "hygge.yml" })).toThrow(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        subject: "hygge.yml",
        message: expect.stringContaining("PGPASS"),
      }),
    );
  });

  it("every unset variable is reported at once, with the keys that use it", () => {
    let error: unknown;
    try {
      substituteEnv(
        { conn: { password: "${PGPASS}", user: "${PGUSER}" }, url: "${PGPASS}-${HOST:-h}", lit: "$${NOPE}" },
        {},
        { file: "hygge.yml" },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toEqual(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        subject: "hygge.yml",
        message:
          "2 environment variables are not set: PGPASS (used at conn.password, url); PGUSER (used at conn.user)",
        hint: "Export PGPASS, PGUSER, or give defaults with ${PGPASS:-value}.",
      }),
    );
  });

  it("applies --var overrides with typed values", () => {
    const p = project({ sales: { home: { type: "memory" }, store: { type: "memory" } } });
    const out = applyOverrides(p, [
      "flow.sales.store.delay_ms=5",
      "flow.sales.home.dataset=abc",
      "options.concurrency=2",
    ]);
    expect(out.flows!.sales!.store).toEqual({ type: "memory", delay_ms: 5 });
    expect(out.flows!.sales!.home).toEqual({ type: "memory", dataset: "abc" });
    expect(out.options).toEqual({ concurrency: 2 });
    expect(() => applyOverrides(p, ["flow.nope.store.x=1"])).toThrow(/no flow named "nope"/);
    expect(p.flows!.sales!.store).toEqual({ type: "memory" });
  });
});

describe("JSON Schema", () => {
  it("includes every loaded plugin's options for editor completion", () => {
    const { project: schema, flow } = projectJsonSchemas(registry());
    const text = JSON.stringify(schema);
    expect(text).toContain('"fail_after_batches"');
    expect(text).toContain('"continue_on_error"');
    expect(JSON.stringify(flow)).toContain('"watermark_column"');
    expect((schema as { title: string }).title).toContain("hygge.yml");
  });
});
