/**
 * The authoring kit: what a plugin author needs to turn source values into exact Arrow batches
 * and back, exported from `@hygge/core`. See PLUGINS.md, "Building batches".
 */
export {
  type BatchFromRowsOptions,
  batchesFromRows,
  batchFromRows,
  type InputRow,
} from "./batch-from-rows.js";
export { inferField, inferSchema } from "./infer.js";
export {
  batchToRows,
  dateAt,
  decimalAt,
  type ExactTimestamp,
  timeAt,
  timestampAt,
  timestampToDate,
  valueAt,
} from "./read-values.js";
export { type RebatchOptions, rebatch } from "./rebatch.js";
export {
  formatIsoDate,
  formatIsoTime,
  formatIsoTimestamp,
  parseIsoDate,
  parseIsoTime,
  parseIsoTimestamp,
  type TemporalParse,
  UNIT_NAMES,
  type UnitName,
} from "./temporal.js";
export { type ParsedType, parseField, parseSchema, parseTypeName, type SchemaLike } from "./type-syntax.js";
export { vectorFromValues } from "./vector-from-values.js";
