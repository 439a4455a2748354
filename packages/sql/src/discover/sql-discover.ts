import {
  type CreateContext,
  type DiscoveredColumn,
  type DiscoveredEntity,
  type DiscoverRequest,
  entityPatternMatcher,
  HyggeError,
  isHyggeError,
  z,
} from "@hygge/core";
import { type ConnectionHandle, resolveConnection, type SqlType } from "../connection.js";
import type { SqlSession, Statement } from "../dialect.js";
import { sqlError } from "../errors.js";
import { sqlHomeFields } from "../options.js";
import { type CatalogueRelation, entityNamer } from "./entity-template.js";

/**
 * The `home:` block discovery accepts: a flow's home without `table` or `query` (or with either;
 * `{entity}` in them shapes the entity names), e.g. `{ type: postgres, connection: pg }`.
 */
export const sqlDiscoverOptions = z.strictObject({ ...sqlHomeFields.shape });
export type SqlDiscoverOptions = z.output<typeof sqlDiscoverOptions>;

/** One relation of the catalogue, with what the entity needs. */
export interface RelationRow extends CatalogueRelation {
  /** The catalogue's id of the relation (an oid, an object_id), as text. */
  id: string;
  kind: "table" | "view";
  estimatedRows?: number;
}

/** One column of a relation, mapped through the dialect's type table. */
export interface ColumnRow {
  /** The relation's id. */
  id: string;
  column: DiscoveredColumn;
}

/** The catalogue queries of one database family and how their rows read. */
export interface Catalogue {
  relations(): Statement;
  /** Column queries for these relation ids (several when the list is long). */
  columns(ids: readonly string[]): Statement[];
  relation(row: Record<string, unknown>): RelationRow;
  column(row: Record<string, unknown>): ColumnRow;
}

/** A column hygge cannot read: the refusal the read would raise, as reason and hint. */
export function unreadableColumn(
  name: string,
  sourceType: string,
  refusal: unknown,
  nullable?: boolean,
): DiscoveredColumn {
  if (!isHyggeError(refusal)) throw refusal;
  return {
    name,
    sourceType,
    ...(nullable === undefined ? {} : { nullable }),
    unreadable: { reason: refusal.message, ...(refusal.hint ? { hint: refusal.hint } : {}) },
  };
}

/**
 * Lists the tables and views a SQL home block reaches, from the catalogue only (no table is read,
 * no row counted): names as `entities:` takes them, estimated rows from statistics and, with
 * `columns`, each column's type through the same type table reads use.
 */
export async function discoverSql(
  type: SqlType,
  catalogue: Catalogue,
  options: SqlDiscoverOptions,
  ctx: CreateContext,
  request: DiscoverRequest,
): Promise<DiscoveredEntity[]> {
  const fixed = [options.table, options.query].find((t) => t !== undefined && !t.includes("{entity}"));
  if (request.patterns?.length && fixed !== undefined)
    // Every entity the patterns bring in would read this one table or query.
    throw new HyggeError(
      "CONFIG_INVALID",
      `entities: patterns need {entity} in the home's ${options.table !== undefined ? "table" : "query"} ("${fixed}"): every matched entity would read the same source`,
      {
        flow: ctx.flow,
        hint: 'Write table: "sales.{entity}" (or leave table: and query: out: the entity is the table), or list the entity by name.',
      },
    );
  const connection = resolveConnection(ctx, options.connection, type);
  const nameOf = entityNamer(options);
  const wanted = entityPatternMatcher(request.patterns ?? []);
  const session = await connection.session();
  let clean = false;
  try {
    const found: { row: RelationRow; entity: DiscoveredEntity }[] = [];
    for (const raw of await query(session, connection, catalogue.relations(), request.signal)) {
      const row = catalogue.relation(raw);
      const name = nameOf(row);
      if (name === undefined || !wanted(name)) continue;
      const entity: DiscoveredEntity = { name, kind: row.kind };
      if (row.estimatedRows !== undefined) entity.estimatedRows = row.estimatedRows;
      found.push({ row, entity });
    }
    found.sort((a, b) => Buffer.compare(Buffer.from(a.entity.name), Buffer.from(b.entity.name)));
    if (request.columns && found.length > 0) {
      const byId = new Map(found.map((f) => [f.row.id, (f.entity.columns = [] as DiscoveredColumn[])]));
      for (const statement of catalogue.columns([...byId.keys()])) {
        for (const raw of await query(session, connection, statement, request.signal)) {
          const { id, column } = catalogue.column(raw);
          byId.get(id)?.push(column);
        }
      }
    }
    clean = true;
    return found.map((f) => f.entity);
  } finally {
    session.release(!clean);
  }
}

async function query(
  session: SqlSession,
  connection: ConnectionHandle,
  statement: Statement,
  signal: AbortSignal,
): Promise<Record<string, unknown>[]> {
  if (signal.aborted)
    throw new HyggeError("ABORTED", "discovery was cancelled", {
      plugin: "@hygge/sql",
      cause: signal.reason,
    });
  try {
    return await session.query(statement);
  } catch (error) {
    throw sqlError(error, connection.errorContext("listing tables"), "HOME_READ_FAILED");
  }
}
