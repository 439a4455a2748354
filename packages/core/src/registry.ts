import { closest } from "./config/did-you-mean.js";
import type {
  ConnectionDefinition,
  HomeDefinition,
  HyggePlugin,
  StoreDefinition,
} from "./contracts/plugin.js";
import { HyggeError } from "./errors.js";

type Kind = "home" | "store" | "connection";
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
    this.plugins.push(plugin);
    return this;
  }

  home(type: string): Entry<HomeDefinition> {
    return this.lookup("home", this.homes, type);
  }
  store(type: string): Entry<StoreDefinition> {
    return this.lookup("store", this.stores, type);
  }
  connection(type: string): Entry<ConnectionDefinition> {
    return this.lookup("connection", this.connections, type);
  }

  types(kind: Kind): string[] {
    const map = kind === "home" ? this.homes : kind === "store" ? this.stores : this.connections;
    return [...map.keys()].sort();
  }

  entries(kind: "home"): [string, Entry<HomeDefinition>][];
  entries(kind: "store"): [string, Entry<StoreDefinition>][];
  entries(kind: "connection"): [string, Entry<ConnectionDefinition>][];
  entries(kind: Kind): [string, Entry<unknown>][] {
    const map = kind === "home" ? this.homes : kind === "store" ? this.stores : this.connections;
    return [...map.entries()];
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

function assertPluginShape(plugin: unknown): asserts plugin is HyggePlugin {
  const p = plugin as HyggePlugin | undefined;
  const problems: string[] = [];
  if (!p || typeof p !== "object") problems.push("it is not an object");
  else {
    if (typeof p.name !== "string" || p.name === "") problems.push("`name` must be a non-empty string");
    for (const kind of ["homes", "stores", "connections"] as const) {
      const defs = p[kind];
      if (defs === undefined) continue;
      if (typeof defs !== "object" || defs === null) {
        problems.push(`\`${kind}\` must be an object`);
        continue;
      }
      for (const [type, def] of Object.entries(defs)) {
        const d = def as { options?: { safeParse?: unknown }; create?: unknown };
        if (!d || typeof d.options?.safeParse !== "function")
          problems.push(`${kind}.${type}.options must be a zod schema`);
        if (kind !== "connections" && typeof d?.create !== "function")
          problems.push(`${kind}.${type}.create must be a function`);
      }
    }
  }
  if (problems.length > 0) {
    throw new HyggeError("PLUGIN_INVALID", `invalid plugin: ${problems.join("; ")}`, {
      plugin: p?.name,
      hint: "A plugin's default export is { name, homes?: { <type>: { options, create } }, stores?: {...} }.",
    });
  }
}
