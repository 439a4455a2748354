import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { runFlow } from "@hygge/core";
import { memoryHome, testHome, testStore } from "@hygge/core/testing";
import { fingerprint, makeHome, makeStore, readAll, tempDir } from "./helpers.js";

const root = await tempDir("conformance");
const storeDir = join(root, "store");
const homeDir = join(root, "home");

// Parquet holds every column of the core type matrix, so nothing is excluded.
testStore({
  name: "parquet",
  create: (entity) => makeStore(root, entity, { path: "store", row_group_size: 1000 }),
  // Read back with the home: a different code path (hyparquet decoding) from the writer.
  read: async (entity) => {
    const files = await readdir(join(storeDir, entity)).catch(() => undefined);
    if (!files) return undefined;
    return readAll(makeHome(root, entity, { path: "store" }), entity);
  },
  snapshot: (entity) => fingerprint(join(storeDir, entity)),
});

testHome({
  name: "parquet",
  seed: async (entity, batches) => {
    await runFlow({
      flow: "seed",
      entity,
      home: memoryHome(batches),
      store: makeStore(root, entity, { path: "home", row_group_size: 2500 }),
    });
  },
  create: (entity, { batchSize }) =>
    makeHome(root, entity, { path: "home", ...(batchSize ? { batch_size: batchSize } : {}) }),
});

void homeDir;
