import type { z } from "zod";
import { isPlainObject } from "./merge.js";

type Def = { type: string; [k: string]: any };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } })?._zod?.def;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Values substituted from the environment are strings (`port: ${PGPORT}`). Where the schema wants
 * a number or a boolean and the string spells one, use that value; everything else is left for
 * the schema to judge (so a password that looks like a number stays a string).
 */
export function coerceToSchema(schema: z.ZodType, value: unknown): unknown {
  const def = defOf(schema);
  if (!def) return value;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
      return value === undefined ? value : coerceToSchema(def.innerType, value);
    case "pipe":
      return coerceToSchema(def.in, value);
    case "number":
      return typeof value === "string" && NUMBER.test(value.trim()) ? Number(value) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    case "union": {
      if (typeof value !== "string") {
        const objects = (def.options as z.ZodType[]).filter((o) => defOf(o)?.type === "object");
        return objects.length === 1 ? coerceToSchema(objects[0]!, value) : value;
      }
      const types = (def.options as z.ZodType[]).map((o) => innerType(o));
      if (types.includes("string")) return value;
      for (const option of def.options as z.ZodType[]) {
        const coerced = coerceToSchema(option, value);
        if (coerced !== value) return coerced;
      }
      return value;
    }
    case "object": {
      if (!isPlainObject(value)) return value;
      const shape = def.shape as Record<string, z.ZodType>;
      const out: Record<string, unknown> = { ...value };
      for (const [key, child] of Object.entries(shape))
        if (key in out) out[key] = coerceToSchema(child, out[key]);
      return out;
    }
    case "record":
      if (!isPlainObject(value)) return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerceToSchema(def.valueType, v)]));
    case "array":
      return Array.isArray(value) ? value.map((v) => coerceToSchema(def.element, v)) : value;
    default:
      return value;
  }
}

function innerType(schema: z.ZodType): string | undefined {
  let def = defOf(schema);
  while (def && ["optional", "nullable", "default", "prefault", "readonly", "catch"].includes(def.type)) {
    def = defOf(def.innerType);
  }
  return def?.type;
}
