import { closest } from "./config/did-you-mean.js";
import type { EngineDefinition } from "./contracts/engine.js";
import type { FormatDefinition } from "./contracts/format.js";
import type {
  ConnectionDefinition,
  HomeDefinition,
  HyggePlugin,
  StoreDefinition,
} from "./contracts/plugin.js";
import type { StorageDefinition } from "./contracts/storage.js";
import { HyggeError } from "./errors.js";
import { fileHomeDefinition, fileStoreDefinition } from "./files/definitions.js";
import { assertPluginShape } from "./plugin-shape.js";

type Kind = "home" | "store" | "connection" | "storage" | "format" | "engine";
interface Entry<D> {
  plugin: string;
  definition: D;
}

/** Registers plugins and resolves `type:` names. Two plugins providing one type is an error. */
export class Registry {
  readonly plugins: HyggePlugin[] = [];
  private readonly homes = new Map<string, Entry<HomeDefinition>>();
  private readonly stores = new Map<string, Entry<StoreDefinition>>();
  private readonly connections = new Map<string, Entry<ConnectionDefinition>>();
  private readonly storages = new Map<string, Entry<StorageDefinition>>();
  private readonly formats = new Map<string, Entry<FormatDefinition>>();
  private readonly engines = new Map<string, Entry<EngineDefinition>>();
  /** Home and store definitions of formats (core's file engine over the format), built once. */
  private readonly fileHomes = new Map<string, Entry<HomeDefinition>>();
  private readonly fileStores = new Map<string, Entry<StoreDefinition>>();

  constructor(plugins: Iterable<HyggePlugin> = []) {
    for (const plugin of plugins) this.register(plugin);
  }

  register(plugin: HyggePlugin): this {
    assertPluginShape(plugin);
    if (this.plugins.some((p) => p.name === plugin.name)) return this;
    const add = <D>(kind: Kind, map: Map<string, Entry<D>>, defs: Record<string, D> | undefined) => {
      for (const [type, definition] of Object.entries(defs ?? {})) {
        const existing = map.get(type);
        if (existing) {
          throw new HyggeError(
            "PLUGIN_INVALID",
            `${kind} type "${type}" is provided by both ${existing.plugin} and ${plugin.name}`,
            { plugin: plugin.name, hint: "Load only one of these plugins in `plugins:`." },
          );
        }
        map.set(type, { plugin: plugin.name, definition });
      }
    };
    add("home", this.homes, plugin.homes);
    add("store", this.stores, plugin.stores);
    add("connection", this.connections, plugin.connections);
    add("storage", this.storages, plugin.storages);
    add("format", this.formats, plugin.formats);
    add("engine", this.engines, plugin.engines);
    this.plugins.push(plugin);
    return this;
  }

  home(type: string): Entry<HomeDefinition> {
    return this.lookup("home", this.allHomes(), type);
  }
  store(type: string): Entry<StoreDefinition> {
    return this.lookup("store", this.allStores(), type);
  }
  /** Connection types: the plugins' own, and every storage type (its options are the connection's). */
  connection(type: string): Entry<ConnectionDefinition> {
    return this.lookup("connection", this.allConnections(), type);
  }
  storage(type: string): Entry<StorageDefinition> {
    return this.lookup("storage", this.storages, type);
  }
  format(type: string): Entry<FormatDefinition> {
    return this.lookup("format", this.formats, type);
  }
  engine(type: string): Entry<EngineDefinition> {
    return this.lookup("engine", this.engines, type);
  }
  /** True when home type `type` is core's file home over a format (no plugin provides a home of that name). */
  isFileHome(type: string): boolean {
    return this.formats.has(type) && !this.homes.has(type);
  }
  /** True when store type `type` is core's file store over a format: it cannot drop a published column. */
  isFileStore(type: string): boolean {
    return this.formats.has(type) && !this.stores.has(type);
  }
  /** The storage serving URLs of `scheme` (`s3`, `az`…), if a loaded plugin provides one. */
  storageForScheme(scheme: string): [string, Entry<StorageDefinition>] | undefined {
    for (const [type, entry] of this.storages)
      if (entry.definition.schemes?.includes(scheme.toLowerCase())) return [type, entry];
    return undefined;
  }

  types(kind: Kind): string[] {
    return [...this.map(kind).keys()].sort();
  }

  entries(kind: "home"): [string, Entry<HomeDefinition>][];
  entries(kind: "store"): [string, Entry<StoreDefinition>][];
  entries(kind: "connection"): [string, Entry<ConnectionDefinition>][];
  entries(kind: "storage"): [string, Entry<StorageDefinition>][];
  entries(kind: "format"): [string, Entry<FormatDefinition>][];
  entries(kind: "engine"): [string, Entry<EngineDefinition>][];
  entries(kind: Kind): [string, Entry<unknown>][] {
    return [...this.map(kind).entries()];
  }

  private map(kind: Kind): Map<string, Entry<any>> {
    switch (kind) {
      case "home":
        return this.allHomes();
      case "store":
        return this.allStores();
      case "connection":
        return this.allConnections();
      case "storage":
        return this.storages;
      case "format":
        return this.formats;
      case "engine":
        return this.engines;
    }
  }

  private allHomes(): Map<string, Entry<HomeDefinition>> {
    const all = new Map(this.homes);
    for (const [type, entry] of this.formats) {
      if (all.has(type)) continue;
      let home = this.fileHomes.get(type);
      if (!home) {
        home = { plugin: entry.plugin, definition: fileHomeDefinition(type, entry.definition, this) };
        this.fileHomes.set(type, home);
      }
      all.set(type, home);
    }
    return all;
  }

  private allStores(): Map<string, Entry<StoreDefinition>> {
    const all = new Map(this.stores);
    for (const [type, entry] of this.formats) {
      if (all.has(type)) continue;
      let store = this.fileStores.get(type);
      if (!store) {
        store = { plugin: entry.plugin, definition: fileStoreDefinition(type, entry.definition, this) };
        this.fileStores.set(type, store);
      }
      all.set(type, store);
    }
    return all;
  }

  private allConnections(): Map<string, Entry<ConnectionDefinition>> {
    const all = new Map<string, Entry<ConnectionDefinition>>(this.connections);
    for (const [type, entry] of this.storages) if (!all.has(type)) all.set(type, entry);
    return all;
  }

  private lookup<D>(kind: Kind, map: Map<string, Entry<D>>, type: string): Entry<D> {
    const entry = map.get(type);
    if (entry) return entry;
    const known = [...map.keys()];
    const guess = closest(type, known);
    const loaded = this.plugins.map((p) => p.name).join(", ") || "none";
    throw new HyggeError("TYPE_NOT_FOUND", `no loaded plugin provides ${kind} type "${type}"`, {
      hint:
        (guess ? `Did you mean "${guess}"? ` : "") +
        `Known ${kind} types: ${known.join(", ") || "none"}. Loaded plugins: ${loaded}. ` +
        "Add the plugin that provides it to `plugins:` in hygge.yml.",
    });
  }
}
