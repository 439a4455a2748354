import { z } from "zod";
import type { Registry } from "../registry.js";
import { engineSchema, entityDefaultsSchema, flowSchema, projectSchema } from "./schema.js";

type JsonSchema = Record<string, unknown>;

function blockUnion(
  entries: [string, { definition: { options: z.ZodType } }][],
  requireType: boolean,
): z.ZodType {
  const variants = entries.map(([type, { definition: def }]) => {
    const base = def.options as unknown as { extend?: (shape: Record<string, z.ZodType>) => z.ZodType };
    const typeSchema = requireType ? z.literal(type) : z.literal(type).optional();
    return typeof base.extend === "function"
      ? base.extend({ type: typeSchema })
      : z.intersection(z.object({ type: typeSchema }), def.options);
  });
  if (variants.length === 0) return z.object({ type: z.string() }).loose();
  if (variants.length === 1) return variants[0]!;
  return z.union(variants as [z.ZodType, z.ZodType, ...z.ZodType[]]);
}

/**
 * JSON Schemas for hygge.yml, flow.yml and entity files, including every loaded plugin's
 * options, so editors can autocomplete and check them.
 */
export function projectJsonSchemas(registry: Registry): {
  project: JsonSchema;
  flow: JsonSchema;
  entity: JsonSchema;
} {
  const home = blockUnion(registry.entries("home"), true);
  const store = blockUnion(registry.entries("store"), true);
  const homeOverride = blockUnion(registry.entries("home"), false);
  const storeOverride = blockUnion(registry.entries("store"), false);
  const connections = blockUnion(registry.entries("connection"), true);
  // `engine:` names a loaded engine, or gives its options; `false` turns it off.
  const engines = registry.entries("engine");
  const engine = (
    engines.length === 0
      ? engineSchema
      : z.union([
          z.literal(false),
          z.enum(engines.map(([type]) => type) as [string, ...string[]]),
          blockUnion(engines, true),
        ])
  )
    .describe(engineSchema.description ?? "")
    .optional();
  const entity = entityDefaultsSchema.extend({
    name: z.string().optional(),
    home: homeOverride.optional(),
    store: storeOverride.optional(),
    engine,
  });
  const flow = flowSchema.extend({
    home,
    store,
    engine,
    defaults: entityDefaultsSchema
      .extend({ home: homeOverride.optional(), store: storeOverride.optional(), engine })
      .optional(),
    entities: z.array(z.union([z.string(), entity.extend({ name: z.string() })])).optional(),
  });
  const project = projectSchema.extend({
    connections: z.record(z.string(), connections).optional(),
    flows: z.record(z.string(), flow).optional(),
  });
  const convert = (schema: z.ZodType, title: string) => ({
    ...(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema),
    title,
  });
  return {
    project: convert(project, "hygge project (hygge.yml)"),
    flow: convert(flow, "hygge flow (flows/<flow>/flow.yml)"),
    entity: convert(entity, "hygge entity (flows/<flow>/entities/<entity>.yml)"),
  };
}
