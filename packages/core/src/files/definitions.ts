import type { FormatDefinition } from "../contracts/format.js";
import type { HomeDefinition, StoreDefinition } from "../contracts/plugin.js";
import { HyggeError } from "../errors.js";
import type { Registry } from "../registry.js";

/**
 * The home definition of a format: core's file home over the format and a storage.
 * (Placeholder until the file engine lands: see files/home.ts.)
 */
export function fileHomeDefinition(
  type: string,
  format: FormatDefinition,
  _registry: Registry,
): HomeDefinition {
  return {
    options: format.readOptions,
    create: () => {
      throw new HyggeError("INTERNAL", `the file home for ${type} is not built yet`);
    },
  };
}

export function fileStoreDefinition(
  type: string,
  format: FormatDefinition,
  _registry: Registry,
): StoreDefinition {
  return {
    options: format.writeOptions,
    runTypes: ["full_drop", "incremental"],
    create: () => {
      throw new HyggeError("INTERNAL", `the file store for ${type} is not built yet`);
    },
  };
}
