import type { z } from "zod";

/** The internal definition of a zod 4 schema, read structurally (no zod internals imported). */
export type ZodDef = { type: string; [key: string]: any };

export const defOf = (schema: unknown): ZodDef | undefined =>
  (schema as { _zod?: { def?: ZodDef } })?._zod?.def;

/** Wrappers whose `innerType` carries the shape that matters for keys and coercion. */
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch"]);

/** The schema inside any wrappers and pipes (`x.optional().default(…)` → `x`). */
export function unwrap(schema: unknown): z.ZodType | undefined {
  let current = schema;
  for (let depth = 0; depth < 40; depth++) {
    const def = defOf(current);
    if (!def) return undefined;
    if (WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === "pipe") current = def.in;
    else return current as z.ZodType;
  }
  return undefined;
}
