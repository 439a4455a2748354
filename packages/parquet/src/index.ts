import type { HyggePlugin } from "@hygge/core";
import { parquetFormat } from "./format.js";

export { parquetFormat } from "./format.js";
export type { Compression, ParquetHomeOptions, ParquetStoreOptions } from "./options.js";

/**
 * Parquet as a format: core's file engine turns it into the `parquet` home and store, on the local
 * disk and on every storage a plugin provides.
 */
const plugin = {
  name: "@hygge/parquet",
  formats: { parquet: parquetFormat },
} satisfies HyggePlugin;

export default plugin;
