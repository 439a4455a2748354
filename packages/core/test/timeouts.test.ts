import {
  applyOverrides,
  DEFAULT_TIMEOUTS,
  type HyggeError,
  type ProjectConfig,
  parseDuration,
  planProject,
  projectJsonSchemas,
  Registry,
  runProject,
  z,
} from "@hygge/core";
import { MemoryBackend, memoryHome, memoryPlugin, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";

const registry = () => new Registry([memoryPlugin(new MemoryBackend())]);
const issues = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as HyggeError).details as { path: string; message: string; hint?: string }[];
  }
  throw new Error("expected a configuration error");
};

describe("timeouts: configuration", () => {
  it("reads durations in seconds, ms, s, m, h, and none", () => {
    expect(parseDuration(90)).toBe(90_000);
    expect(parseDuration("90")).toBe(90_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("none")).toBe(Number.POSITIVE_INFINITY);
    for (const bad of [0, -1, "0s", "5 minutes", "", "forever"])
      expect(() => parseDuration(bad)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });

  it("every default is a bound, commit the most generous one", () => {
    for (const value of Object.values(DEFAULT_TIMEOUTS)) expect(Number.isFinite(value)).toBe(true);
    expect(DEFAULT_TIMEOUTS.commit).toBe(Math.max(...Object.values(DEFAULT_TIMEOUTS)));
  });

  it("resolves per key: entity over defaults over flow over options.timeouts", () => {
    const plan = planProject(
      {
        options: { timeouts: { open: "1m", commit: "2h", close: 30 } },
        flows: {
          f: {
            home: { type: "memory", dataset: "src" },
            store: { type: "memory" },
            timeouts: { open: "2m", write: "10m" },
            defaults: { timeouts: { open: "3m" } },
            entities: ["a", { name: "b", timeouts: { open: "none", notice: "500ms" } }],
          },
          g: { home: { type: "memory", dataset: "src" }, store: { type: "memory" }, entities: ["c"] },
        },
      },
      registry(),
    );
    const [a, b, g] = plan.runs;
    expect(a!.timeouts).toEqual({ open: 180_000, commit: 7_200_000, close: 30_000, write: 600_000 });
    expect(b!.timeouts).toEqual({
      open: Number.POSITIVE_INFINITY,
      commit: 7_200_000,
      close: 30_000,
      write: 600_000,
      notice: 500,
    });
    expect(g!.timeouts).toEqual({ open: 60_000, commit: 7_200_000, close: 30_000 });
    expect(plan.options.timeouts).toEqual({ open: 60_000, commit: 7_200_000, close: 30_000 });
  });

  it("refuses bad durations and unknown keys, naming the key", () => {
    const found = issues(() =>
      planProject(
        {
          flows: {
            f: {
              home: { type: "memory" },
              store: { type: "memory" },
              timeouts: { commit: "5 minutes", comit: "5m" } as never,
            },
          },
        },
        registry(),
      ),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: "flows.f.timeouts.commit",
          message: expect.stringContaining("a duration"),
        }),
        expect.objectContaining({ path: "flows.f.timeouts.comit", hint: 'did you mean "commit"?' }),
      ]),
    );
  });

  it("accepts a duration from --var or the environment (a string of digits is seconds)", () => {
    const base: ProjectConfig = {
      flows: { f: { home: { type: "memory", dataset: "src" }, store: { type: "memory" }, entities: ["a"] } },
    };
    const plan = planProject(applyOverrides(base, ["flow.f.timeouts.commit=45"]), registry());
    expect(plan.runs[0]!.timeouts).toEqual({ commit: 45_000 });
  });

  it("is part of the JSON Schema editors use", () => {
    const { flow } = projectJsonSchemas(registry());
    expect(JSON.stringify(flow)).toContain('"committed_state"');
  });
});

describe("timeouts: in a project run", () => {
  it("a store write slower than timeouts.write fails the entity, naming plugin and step", async () => {
    const backend = new MemoryBackend();
    backend.put("src/a", sequenceBatches(20, 10));
    const summary = await runProject({
      plugins: [memoryPlugin(backend)],
      project: {
        flows: {
          f: {
            home: { type: "memory", dataset: "src" },
            store: { type: "memory", dataset: "dst", delay_ms: 5000 },
            timeouts: { write: "100ms" },
            entities: ["a"],
          },
        },
      },
    });
    const [a] = summary.flows;
    expect(a!.status).toBe("fail");
    expect(a!.error).toMatchObject({
      code: "STORE_WRITE_FAILED",
      step: "write",
      plugin: "@hygge/core/testing#memory",
    });
    expect(a!.error!.message).toContain("did not write a batch within 100ms (timeouts.write)");
    expect(a!.attempts).toBe(3); // a timeout may be a dead connection: retried like any transient error
    expect(backend.get("dst/a")).toBeUndefined();
  });

  it("closing a shared connection pool that never ends is bounded by options.timeouts.close", async () => {
    const backend = new MemoryBackend();
    backend.put("x", sequenceBatches(5, 5));
    const warnings: string[] = [];
    const plugin = {
      name: "stuck-pool",
      homes: {
        pooled: {
          options: z.strictObject({}),
          async create(_o: unknown, ctx: import("@hygge/core").CreateContext) {
            await ctx.resources.get(
              "stuck-pool:main",
              () => ({}),
              () => new Promise<void>(() => undefined), // pool.end() waiting for a client that never returns
            );
            return memoryHome(backend.get("x")!);
          },
        },
      },
    };
    const summary = await runProject({
      plugins: [memoryPlugin(backend), plugin],
      logger: { debug() {}, info() {}, warn: (m) => warnings.push(m) },
      project: {
        options: { timeouts: { close: "200ms" } },
        flows: { f: { home: { type: "pooled" }, store: { type: "memory" }, entities: ["a"] } },
      },
    });
    expect(summary.status).toBe("pass");
    expect(backend.rows("a")).toBe(5);
    expect(warnings).toEqual([
      "gave up closing stuck-pool:main after 200ms (timeouts.close): a connection may still be open; the process ends anyway",
    ]);
  });
});
