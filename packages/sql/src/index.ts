import type { CreateContext, DiscoverRequest, HyggePlugin } from "@hygge/core";
import { resolveConnection, type SqlType } from "./connection.js";
import { mssqlCatalogue } from "./discover/mssql-discover.js";
import { postgresCatalogue } from "./discover/postgres-discover.js";
import { discoverSql, type SqlDiscoverOptions, sqlDiscoverOptions } from "./discover/sql-discover.js";
import { createSqlHome } from "./home.js";
import {
  mssqlConnectionOptions,
  postgresConnectionOptions,
  type SqlHomeOptions,
  type SqlStoreOptions,
  sqlHomeOptions,
  sqlStoreOptions,
} from "./options.js";
import { createSqlStore, SQL_RUN_TYPES } from "./store.js";

/** One line for --dry-run: opens nothing, never shows a password. */
function describeBlock(
  type: SqlType,
  o: { connection: string; table?: string; query?: string },
  ctx: CreateContext,
) {
  let where = `connection ${o.connection}`;
  try {
    where = `${resolveConnection(ctx, o.connection, type).display} (connection ${o.connection})`;
  } catch {
    // Unknown connection: validation reports it; the description stays short.
  }
  const what = o.table ? `table ${o.table.split("{entity}").join(ctx.entity ?? ctx.flow)}` : "query";
  return `${type} ${what} on ${where}`;
}

const home = (type: SqlType) => ({
  options: sqlHomeOptions,
  create: (o: SqlHomeOptions, ctx: CreateContext) => createSqlHome(type, o, ctx),
  describe: (o: SqlHomeOptions, ctx: CreateContext) => describeBlock(type, o, ctx),
  // An entity's `query:` replaces the flow's `table:` (and the other way round).
  alternatives: [["table", "query"]] as const,
  discoverOptions: sqlDiscoverOptions,
  discover: (o: SqlDiscoverOptions, ctx: CreateContext, request: DiscoverRequest) =>
    discoverSql(type, type === "postgres" ? postgresCatalogue : mssqlCatalogue, o, ctx, request),
});

const store = (type: SqlType) => ({
  options: sqlStoreOptions,
  runTypes: SQL_RUN_TYPES,
  create: (o: SqlStoreOptions, ctx: CreateContext) => createSqlStore(type, o, ctx),
  describe: (o: SqlStoreOptions, ctx: CreateContext) => describeBlock(type, o, ctx),
});

const plugin = {
  name: "@hygge/sql",
  homes: { mssql: home("mssql"), postgres: home("postgres") },
  stores: { mssql: store("mssql"), postgres: store("postgres") },
  connections: {
    mssql: { options: mssqlConnectionOptions },
    postgres: { options: postgresConnectionOptions },
  },
} satisfies HyggePlugin;

export default plugin;

export { SqlHome } from "./home.js";
export { mssqlQuote } from "./mssql/mssql-sql.js";
export type {
  MssqlConnectionOptions,
  PostgresConnectionOptions,
  SqlHomeOptions,
  SqlStoreOptions,
} from "./options.js";
export { pgQuote } from "./postgres/postgres-sql.js";
export { SqlStore } from "./store.js";
