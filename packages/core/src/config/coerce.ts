import type { z } from "zod";
import { isPlainObject } from "./merge.js";
import { defOf, unwrap } from "./zod-def.js";

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Values substituted from the environment are strings (`port: ${PGPORT}`). Where the schema wants
 * a number or a boolean and the string spells one, use that value; everything else is left for
 * the schema to judge (so a password that looks like a number stays a string).
 */
export function coerceToSchema(schema: z.ZodType, value: unknown): unknown {
  if (value === undefined) return value;
  const def = defOf(unwrap(schema));
  if (!def) return value;
  switch (def.type) {
    case "number":
      return typeof value === "string" && NUMBER.test(value.trim()) ? Number(value) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    case "union": {
      if (typeof value !== "string") {
        const objects = (def.options as z.ZodType[]).filter((o) => defOf(o)?.type === "object");
        return objects.length === 1 ? coerceToSchema(objects[0]!, value) : value;
      }
      const types = (def.options as z.ZodType[]).map((o) => defOf(unwrap(o))?.type);
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
