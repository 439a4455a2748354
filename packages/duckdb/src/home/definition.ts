import { defineHome } from "@hygge/core";
import { DuckDBHome } from "./home.js";
import { duckdbHomeOptions } from "./options.js";
import { displayQuery, substituteEntity } from "./query.js";

/** `home: { type: duckdb, query: "…" }`: any DuckDB query, streamed as exact Arrow batches. */
export const duckdbHome = defineHome({
  options: duckdbHomeOptions,
  create: (options, ctx) => new DuckDBHome(options, ctx),
  describe: (options, ctx) =>
    `duckdb query "${displayQuery(substituteEntity(options.query, ctx.entity ?? ctx.flow), 80)}" on ${
      options.path ?? "an in-memory database"
    }`,
});
