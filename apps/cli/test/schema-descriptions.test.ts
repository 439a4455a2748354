import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_OPTIONS, z } from "@hygge/core";
import { afterAll, describe, expect, test } from "@jest/globals";
import { hygge } from "./helpers.js";
import { undescribedProperties } from "./undescribed.js";

type Schemas = Record<"project" | "flow" | "entity", Record<string, unknown>>;

// Outside any project: `hygge schema` covers every first-party plugin installed next to the CLI.
const outside = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-schema-"));
afterAll(() => fs.rmSync(outside, { recursive: true, force: true }));

const toJson = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;

describe("undescribedProperties (the walker the schema test relies on)", () => {
  test("names every property without a description, at any depth", () => {
    const schema = toJson(
      z.strictObject({
        described: z.string().describe("has one"),
        bare: z.number().optional(),
        nested: z
          .strictObject({ ok: z.boolean().describe("has one"), missing: z.string() })
          .describe("has one"),
        named: z
          .record(z.string(), z.strictObject({ inside: z.string() }))
          .optional()
          .describe("has one"),
        list: z.array(z.union([z.string(), z.strictObject({ item: z.string() })])).describe("has one"),
        block: z
          .union([
            z.strictObject({ type: z.literal("a").describe("has one"), a_key: z.string() }),
            z.strictObject({ type: z.literal("b"), b_key: z.string().describe("has one") }),
          ])
          .describe("has one"),
      }),
    );
    expect(undescribedProperties(schema, "t").sort()).toEqual(
      [
        "t.bare",
        "t.nested.missing",
        "t.named.<name>.inside",
        "t.list[](anyOf[1]).item",
        "t.block(a).a_key",
        "t.block(b).type",
      ].sort(),
    );
  });

  test("an empty description does not count; a described $ref does", () => {
    const schema = {
      $defs: { shared: { type: "string", description: "from the definition" } },
      type: "object",
      properties: {
        blank: { type: "string", description: "  " },
        ref: { $ref: "#/$defs/shared" },
        bad_ref: { $ref: "#/$defs/nothing" },
      },
    };
    expect(undescribedProperties(schema, "t").sort()).toEqual(["t.bad_ref", "t.blank"]);
  });

  test("a fully described schema gives nothing", () => {
    const schema = toJson(
      z.strictObject({ a: z.string().describe("A"), b: z.int().optional().describe("B") }),
    );
    expect(undescribedProperties(schema, "t")).toEqual([]);
  });
});

describe("hygge schema: every key carries a description (editors show them)", () => {
  const r = hygge(["schema"], { cwd: outside });
  const schemas = JSON.parse(r.stdout || "{}") as Schemas;

  test("covers every first-party plugin (so no plugin's options escape the check)", () => {
    expect(r.code).toBe(0);
    const flow = JSON.stringify(schemas.flow);
    const project = JSON.stringify(schemas.project);
    const consts = (text: string) => new Set([...text.matchAll(/"const":"([^"]+)"/g)].map((m) => m[1]));
    // Homes and stores of every format, database and DuckDB (and the duckdb engine).
    const types = ["parquet", "csv", "ndjson", "postgres", "mssql", "duckdb"];
    expect(types.filter((t) => !consts(flow).has(t))).toEqual([]);
    expect(["postgres", "mssql", "s3", "azure"].filter((t) => !consts(project).has(t))).toEqual([]);
    // One option of each plugin, to be sure its options (not only its type) are there.
    const flowKeys = ["row_group_size", "null_values", "unknown_keys", "if_exists", "memory_limit"];
    expect(flowKeys.filter((k) => !flow.includes(`"${k}":`))).toEqual([]);
    const connectionKeys = ["statement_timeout_ms", "request_timeout_ms", "part_size_mib", "block_size_mb"];
    expect(connectionKeys.filter((k) => !project.includes(`"${k}":`))).toEqual([]);
  });

  test.each(["project", "flow", "entity"] as const)("%s: no property without a description", (kind) => {
    // On failure this lists every key to describe with `.describe("…")` in its zod schema.
    expect(undescribedProperties(schemas[kind], kind)).toEqual([]);
  });

  test("removing one description from the real output is caught, by path", () => {
    const project = structuredClone(schemas.project) as {
      properties: { options: { properties: { retries: { description?: string } } } };
    };
    const before = new Set(undescribedProperties(project, "project"));
    expect(project.properties.options.properties.retries.description).toMatch(/transient/);
    delete project.properties.options.properties.retries.description;
    const after = undescribedProperties(project, "project").filter((p) => !before.has(p));
    expect(after).toEqual(["project.options.retries"]);
  });

  test("descriptions state defaults where the key has one", () => {
    const options = (
      schemas.project as {
        properties: { options: { properties: Record<string, { description: string }> } };
      }
    ).properties.options.properties;
    // The defaults the planner applies (core's DEFAULT_OPTIONS), so the text cannot drift from them.
    expect(options.retries!.description).toContain(`default ${DEFAULT_OPTIONS.retries}`);
    expect(options.retry_delay_ms!.description).toContain(`default ${DEFAULT_OPTIONS.retryDelayMs}`);
    expect(options.queue_size!.description).toContain(`default ${DEFAULT_OPTIONS.queueSize}`);
    expect(options.concurrency!.description).toContain(`default ${DEFAULT_OPTIONS.concurrency}`);
    expect(options.continue_on_error!.description).toContain(`Default ${DEFAULT_OPTIONS.continueOnError}`);
  });
});
