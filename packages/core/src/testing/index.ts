export { type HomeSuiteOptions, testHome } from "./home-suite.js";
export {
  MemoryBackend,
  type MemoryHomeOptions,
  type MemoryStoreOptions,
  memoryHome,
  memoryPlugin,
  memoryStore,
} from "./memory.js";
export { type StorageSuiteOptions, testStorage } from "./storage-suite.js";
export { type StoreSuiteOptions, testStore } from "./store-suite.js";
export {
  batchOf,
  dateDayVector,
  decimalVector,
  int64Vector,
  sequenceBatches,
  TYPE_MATRIX_COLUMNS,
  typeMatrix,
} from "./type-matrix.js";
