import { testHome } from "@hygge/core/testing";
import { makeHome, projectDir, seedParquet } from "./home-helpers.js";

const dir = await projectDir("conformance");
/** Per entity: the casts that give back the seeded Arrow types (Parquet's TIMESTAMP_MILLIS reads as µs). */
const replaces = new Map<string, string>();

/**
 * The source is Parquet written by hygge's Parquet store, read by a `type: duckdb` query over a glob.
 * DuckDB has no column type for list_int32 and struct that hygge maps (the home refuses LIST and
 * STRUCT, naming a CAST to JSON): those two are excluded. Everything else comes back exactly, with
 * its Arrow type; ts_ms is cast back to TIMESTAMP_MS in the query (DuckDB widens it to µs on read).
 */
testHome({
  name: "duckdb query over Parquet",
  excludeTypes: ["list_int32", "struct"],
  seed: async (entity, batches) => {
    await seedParquet(dir, "inbox", entity, batches);
    const hasMs = batches[0]!.schema.fields.some((f) => f.name === "ts_ms");
    replaces.set(entity, hasMs ? " replace (ts_ms::TIMESTAMP_MS as ts_ms)" : "");
  },
  create: (entity, { batchSize }) =>
    makeHome(
      dir,
      {
        query: `select *${replaces.get(entity) ?? ""} from read_parquet('inbox/{entity}/*.parquet') order by id`,
        ...(batchSize ? { batch_size: batchSize } : {}),
      },
      entity,
    ),
});
