import { z } from "zod";
import type { Registry } from "../registry.js";
import { engineSchema, entityDefaultsSchema, entitySchema, flowSchema, projectSchema } from "./schema.js";

type JsonSchema = Record<string, unknown>;

/** `schema` carrying the description of the key it replaces (`.extend` drops the original's). */
const like = <T extends z.ZodType>(schema: T, original: z.ZodType): T =>
  original.description ? schema.describe(original.description) : schema;

function blockUnion(
  entries: [string, { plugin: string; definition: { options: z.ZodType } }][],
  requireType: boolean,
): z.ZodType {
  const variants = entries.map(([type, { plugin, definition: def }]) => {
    const base = def.options as unknown as { extend?: (shape: Record<string, z.ZodType>) => z.ZodType };
    const literal = z.literal(type).describe(`The type of this block: ${type} (from ${plugin}).`);
    const typeSchema = requireType ? literal : literal.optional();
    return typeof base.extend === "function"
      ? base.extend({ type: typeSchema })
      : z.intersection(z.object({ type: typeSchema }), def.options);
  });
  if (variants.length === 0)
    return z.object({ type: z.string().describe("The type of this block, from a loaded plugin.") }).loose();
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
  const overrides = entityDefaultsSchema.shape;
  const blocks = {
    home: like(homeOverride.optional(), overrides.home),
    store: like(storeOverride.optional(), overrides.store),
    engine,
  };
  const entity = entityDefaultsSchema.extend({
    name: like(z.string().optional(), entitySchema.shape.name),
    ...blocks,
  });
  const flow = flowSchema.extend({
    home: like(home, flowSchema.shape.home),
    store: like(store, flowSchema.shape.store),
    engine,
    defaults: like(entityDefaultsSchema.extend(blocks).optional(), flowSchema.shape.defaults),
    entities: like(
      z
        .array(z.union([z.string(), entity.extend({ name: like(z.string(), entitySchema.shape.name) })]))
        .optional(),
      flowSchema.shape.entities,
    ),
  });
  const project = projectSchema.extend({
    connections: like(z.record(z.string(), connections).optional(), projectSchema.shape.connections),
    flows: like(z.record(z.string(), flow).optional(), projectSchema.shape.flows),
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
