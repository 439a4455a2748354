import { MemoryBackend, memoryHome, memoryStore, testHome, testStore } from "@hygge/core/testing";
import { Table, tableFromIPC, tableToIPC } from "apache-arrow";

const backend = new MemoryBackend();

testStore({
  name: "memory",
  create: (entity) => memoryStore(backend, entity),
  read: async (entity) => backend.get(entity),
  // Each batch through Arrow IPC bytes: another path than the store's own batches (one stream per
  // batch, as batches of an evolved dataset have different schemas).
  readBack: async (entity) =>
    backend.get(entity)?.flatMap((batch) => tableFromIPC(tableToIPC(new Table(batch))).batches),
  inspect: {
    leftovers: async (entity) => backend.leftovers(entity),
    openHandles: () => backend.openStores,
  },
  failingCommit: (entity) => memoryStore(backend, entity, { failOnCommit: true }),
});

const sources = new Map<string, import("apache-arrow").RecordBatch[]>();
testHome({
  name: "memory",
  seed: async (entity, batches) => void sources.set(entity, batches),
  create: (entity, { batchSize }) => memoryHome(sources.get(entity)!, { batchSize }),
});
