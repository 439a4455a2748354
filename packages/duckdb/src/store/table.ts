import { createHash } from "node:crypto";
import { HyggeError } from "@hygge/core";
import { quoteIdent } from "../database.js";

/** A table of the database file: schema (`main` unless given) and name, unquoted. */
export interface TableRef {
  schema: string;
  name: string;
}

/** `raw.{entity}` → { schema: "raw", name: <entity> } (`{entity}` is the flow's name for single-entity flows). */
export function parseTable(text: string, entity: string | undefined, flow: string): TableRef {
  const parts = text
    .split("{entity}")
    .join(entity ?? flow)
    .split(".");
  if (parts.length > 2 || parts.some((p) => p.length === 0)) {
    throw new HyggeError("CONFIG_INVALID", `table "${text}" must be "name" or "schema.name"`, {
      subject: text,
      hint: "Names may contain any character except '.', which separates the schema from the table.",
    });
  }
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { schema: "main", name: parts[0]! };
}

export const sqlTable = (ref: TableRef): string => `${quoteIdent(ref.schema)}.${quoteIdent(ref.name)}`;

/** How messages and the state row name a table: `raw.orders` (`orders` in the main schema). */
export const displayTable = (ref: TableRef): string =>
  ref.schema === "main" ? ref.name : `${ref.schema}.${ref.name}`;

/** The run's staging table: only ever inside the run's open transaction, so no crash leaves it behind. */
export function stagingTable(target: TableRef, runId: string): TableRef {
  const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 12);
  return { schema: target.schema, name: `hygge_stg_${hash(displayTable(target))}_${hash(runId)}` };
}

/** The state table of a target: `hygge_state` in the target's schema (as the SQL stores). */
export const stateTable = (target: TableRef): TableRef => ({ schema: target.schema, name: "hygge_state" });
