import { createHash } from "node:crypto";
import { HyggeError } from "@hygge/core";

/** A table named by config: schema (optional) and name, never yet quoted. */
export interface TableRef {
  schema?: string;
  name: string;
}

/** `{entity}` → the entity name (or the flow name for single-entity flows). */
export function substituteEntity(text: string, entity: string | undefined, flow: string): string {
  return text.split("{entity}").join(entity ?? flow);
}

/** "sales.orders" → { schema: "sales", name: "orders" }; quoting is the dialect's job. */
export function parseTableRef(text: string): TableRef {
  const parts = text.split(".");
  if (parts.length > 2 || parts.some((p) => p.length === 0)) {
    throw new HyggeError("CONFIG_INVALID", `table "${text}" must be "name" or "schema.name"`, {
      hint: "Names may contain any character except '.', which separates the schema from the table.",
    });
  }
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}

export function displayTable(ref: TableRef): string {
  return ref.schema ? `${ref.schema}.${ref.name}` : ref.name;
}

/**
 * Prefix of the staging tables of one target: `hygge_stg_<hash of the target>_`. Short (PostgreSQL
 * names stop at 63 bytes) and unique per target, so `open()` can find and drop the leftovers of
 * crashed runs of that entity without touching other entities' staging.
 */
export function stagingPrefix(ref: TableRef): string {
  const hash = createHash("sha256").update(displayTable(ref)).digest("hex").slice(0, 12);
  return `hygge_stg_${hash}_`;
}

export function stagingName(ref: TableRef, runId: string): string {
  const suffix = createHash("sha256").update(runId).digest("hex").slice(0, 10);
  return `${stagingPrefix(ref)}${suffix}`;
}
