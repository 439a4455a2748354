import { HyggeError } from "@hygge/core";
import type { SqlHomeOptions } from "../options.js";

/** A table or view as the catalogue lists it. */
export interface CatalogueRelation {
  schema: string;
  name: string;
  /** In the schema unqualified names resolve to (PostgreSQL's current_schema(), SQL Server's SCHEMA_NAME()). */
  inDefaultSchema: boolean;
}

/** Regex source of a literal with `{entity}` (first: a capture; later: the same text again). */
function templateRegex(template: string): RegExp {
  const parts = template.split("{entity}").map((p) => p.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&"));
  return new RegExp(`^${parts[0]}(.+?)${parts.slice(1).join("\\1")}$`, "s");
}

/**
 * The entity name a home block gives a relation, or undefined when the block cannot reach it:
 * - `table: "{entity}"`, no table, or a table or query without `{entity}`: `schema.table`
 *   (what `{entity}` must say for every schema);
 * - `table: "sales.{entity}"` (or `sales.stg_{entity}`): the table names of that schema that fit;
 * - `table: "stg_{entity}"` (unqualified), or a query with `{entity}` (one quoted identifier): the
 *   fitting table names of the default schema.
 */
export function entityNamer(
  options: Partial<Pick<SqlHomeOptions, "table" | "query">>,
): (relation: CatalogueRelation) => string | undefined {
  const table = options.table?.includes("{entity}") ? options.table : undefined;
  const query = options.query?.includes("{entity}") ? options.query : undefined;
  // A schema or table name holding a dot cannot be an entity: `a.b.c` would not say which is which.
  const plain = (r: CatalogueRelation) => !r.schema.includes(".") && !r.name.includes(".");
  if (table === "{entity}" || (table === undefined && query === undefined))
    return (r) => (plain(r) ? `${r.schema}.${r.name}` : undefined);
  if (table === undefined) return (r) => (r.inDefaultSchema && plain(r) ? r.name : undefined);
  const dot = table.indexOf(".");
  const schema = dot < 0 ? undefined : table.slice(0, dot);
  const name = dot < 0 ? table : table.slice(dot + 1);
  if (schema?.includes("{entity}") || name.includes("."))
    throw new HyggeError("CONFIG_INVALID", `table "${table}" cannot be listed: {entity} is in its schema`, {
      hint: 'discovery lists tables for "{entity}", "schema.{entity}" or "schema.prefix_{entity}" templates',
    });
  const re = templateRegex(name);
  return (r) => {
    if (schema === undefined ? !r.inDefaultSchema : r.schema !== schema) return undefined;
    const captured = re.exec(r.name)?.[1];
    return captured !== undefined && plain(r) ? captured : undefined;
  };
}
