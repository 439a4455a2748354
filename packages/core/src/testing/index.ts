export { type ChildOutcome, crashChildRun, crashData, spawnChild } from "./crash.js";
export { expectSameRows, firstDifference } from "./diff.js";
export { openFileDescriptors } from "./handles.js";
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
export type { StrictCheck } from "./store-strict.js";
export {
  type StoreCrashOptions,
  type StoreInspect,
  type StoreSuiteOptions,
  testStore,
} from "./store-suite.js";
export { cleanupTempDirs, tempDir } from "./temp.js";
export {
  batchOf,
  dateDayVector,
  decimalVector,
  int64Vector,
  sequenceBatches,
  TYPE_MATRIX_COLUMNS,
  typeMatrix,
} from "./type-matrix.js";
