import type { FormatDefinition } from "../contracts/format.js";
import type { HomeDefinition, StoreDefinition } from "../contracts/plugin.js";
import type { Registry } from "../registry.js";
import { discoverFiles } from "./discover.js";
import type { FileEngine } from "./engine.js";
import { FileHome } from "./home.js";
import { describeLocation } from "./location.js";
import { type FileHomeOptions, type FileStoreOptions, fileHomeOptions, fileStoreOptions } from "./options.js";
import { FileStore } from "./store.js";

/** The plugin that registered the format, named in errors; looked up when a home or store is made. */
function engineOf(type: string, format: FormatDefinition, registry: Registry): FileEngine {
  let plugin = type;
  try {
    plugin = registry.format(type).plugin;
  } catch {
    // a format not (yet) registered under this name: errors name the type
  }
  return { type, plugin, format, registry };
}

/** The format's text and list options (`compression zstd`, `columns a, b`), for summaries. */
function shown(options: Record<string, unknown>, keys: readonly string[]): string {
  const parts = keys
    .filter((k) => typeof options[k] === "string" || Array.isArray(options[k]))
    .map(
      (k) => `${k} ${Array.isArray(options[k]) ? (options[k] as unknown[]).join(", ") : String(options[k])}`,
    );
  return parts.length > 0 ? ` (${parts.join("; ")})` : "";
}

/** The home definition of a format: core's file home over the format and any storage. */
export function fileHomeDefinition(
  type: string,
  format: FormatDefinition,
  registry: Registry,
): HomeDefinition {
  const options = fileHomeOptions(format);
  return {
    options,
    create: (o, ctx) => new FileHome(engineOf(type, format, registry), o as FileHomeOptions, ctx),
    describe: (o, ctx) =>
      `${type} ${describeLocation(o as FileHomeOptions, ctx, type)}${shown(o as Record<string, unknown>, Object.keys(format.readOptions.shape))}`,
    discover: (o, ctx, request) =>
      discoverFiles(engineOf(type, format, registry), o as FileHomeOptions, ctx, request),
  };
}

/** The store definition of a format: core's file store over the format and any storage. */
export function fileStoreDefinition(
  type: string,
  format: FormatDefinition,
  registry: Registry,
): StoreDefinition {
  const options = fileStoreOptions(format);
  return {
    options,
    runTypes: ["full_drop", "incremental"],
    create: (o, ctx) => new FileStore(engineOf(type, format, registry), o as FileStoreOptions, ctx),
    describe: (o, ctx) =>
      `${type} ${describeLocation(o as FileStoreOptions, ctx, type)}${shown(o as Record<string, unknown>, Object.keys(format.writeOptions.shape))}`,
  };
}
