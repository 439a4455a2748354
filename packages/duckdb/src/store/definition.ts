import { defineStore } from "@hygge/core";
import { databasePath } from "../database.js";
import { duckdbStoreOptions } from "./options.js";
import { createDuckDBStore, DUCKDB_RUN_TYPES } from "./store.js";
import { displayTable, parseTable } from "./table.js";

/** `store: { type: duckdb, path, table }`: a table of a `.duckdb` file, published atomically with its state. */
export const duckdbStore = defineStore({
  options: duckdbStoreOptions,
  runTypes: DUCKDB_RUN_TYPES,
  create: (options, ctx) => createDuckDBStore(options, ctx),
  describe: (options, ctx) =>
    `duckdb table ${displayTable(parseTable(options.table, ctx.entity, ctx.flow))} in ${databasePath(options.path, ctx.projectDir)}`,
});

export type { DuckDBStoreOptions } from "./options.js";
