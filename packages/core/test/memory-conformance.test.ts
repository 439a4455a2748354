import { MemoryBackend, memoryHome, memoryStore, testHome, testStore } from "@hygge/core/testing";

const backend = new MemoryBackend();

testStore({
  name: "memory",
  create: (entity) => memoryStore(backend, entity),
  read: async (entity) => backend.get(entity),
});

const sources = new Map<string, import("apache-arrow").RecordBatch[]>();
testHome({
  name: "memory",
  seed: async (entity, batches) => void sources.set(entity, batches),
  create: (entity, { batchSize }) => memoryHome(sources.get(entity)!, { batchSize }),
});
