import type { HyggePlugin } from "@hygge/core";
import { duckdbEngine } from "./engine/index.js";
import { duckdbHome } from "./home/definition.js";
import { duckdbStore } from "./store/definition.js";

/**
 * DuckDB for hygge: a native engine for file-to-file flows (`engine: duckdb`), a home over any
 * DuckDB query (`type: duckdb`, `query:`), and a `.duckdb` database file as a store.
 */
const plugin = {
  name: "@hygge/duckdb",
  engines: { duckdb: duckdbEngine },
  homes: { duckdb: duckdbHome },
  stores: { duckdb: duckdbStore },
} satisfies HyggePlugin;

export default plugin;
