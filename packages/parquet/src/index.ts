import type { HyggePlugin } from "@hygge/core";
import { ParquetHome } from "./home.js";
import { homeOptions, storeOptions } from "./options.js";
import { entityLocation } from "./paths.js";
import { ParquetStore } from "./store.js";

export { ParquetHome } from "./home.js";
export type { Compression, ParquetHomeOptions, ParquetStoreOptions } from "./options.js";
export { ParquetStore } from "./store.js";

const where = (path: string, ctx: { projectDir: string; entity?: string }) => {
  try {
    return entityLocation(path, ctx.projectDir, ctx.entity);
  } catch {
    return path;
  }
};

const plugin = {
  name: "@hygge/parquet",
  homes: {
    parquet: {
      options: homeOptions,
      create: (options, ctx) => new ParquetHome(options, ctx),
      describe: (options, ctx) =>
        `parquet ${where(options.path, ctx)}${options.columns ? ` (columns ${options.columns.join(", ")})` : ""}`,
    },
  },
  stores: {
    parquet: {
      options: storeOptions,
      runTypes: ["full_drop", "incremental"],
      create: (options, ctx) => new ParquetStore(options, ctx),
      describe: (options, ctx) => `parquet ${where(options.path, ctx)} (${options.compression})`,
    },
  },
} satisfies HyggePlugin;

export default plugin;
