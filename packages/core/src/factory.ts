import { type Logger, silentLogger } from "./contracts/common.js";
import type { Home } from "./contracts/home.js";
import type { CreateContext, ResolvedConnection, ResourceScope } from "./contracts/plugin.js";
import type { Store } from "./contracts/store.js";
import { withContext } from "./errors.js";
import { assertHome, assertStore } from "./plugin-shape.js";
import type { BlockPlan, EntityRun } from "./project/plan.js";
import type { Registry } from "./registry.js";

/** Builds Homes and Stores from validated blocks; errors name the plugin, flow and entity. */
export class Factory {
  constructor(readonly registry: Registry) {}

  async home(block: BlockPlan, ctx: CreateContext): Promise<Home> {
    try {
      const home = await this.registry.home(block.type).definition.create(block.options, ctx);
      assertHome(home, block.plugin, block.type);
      return home;
    } catch (error) {
      throw withContext(error, "HOME_READ_FAILED", {
        plugin: block.plugin,
        flow: ctx.flow,
        entity: ctx.entity,
      });
    }
  }

  async store(block: BlockPlan, ctx: CreateContext): Promise<Store> {
    try {
      const store = await this.registry.store(block.type).definition.create(block.options, ctx);
      assertStore(store, block.plugin, block.type);
      return store;
    } catch (error) {
      throw withContext(error, "STORE_WRITE_FAILED", {
        plugin: block.plugin,
        flow: ctx.flow,
        entity: ctx.entity,
      });
    }
  }

  /** One line describing where data comes from or goes to; opens nothing. */
  describe(kind: "home" | "store", block: BlockPlan, ctx: CreateContext): string {
    const def =
      kind === "home"
        ? this.registry.home(block.type).definition
        : this.registry.store(block.type).definition;
    try {
      return def.describe?.(block.options, ctx) ?? block.type;
    } catch {
      return block.type;
    }
  }
}

/** The context plugins' `create()` and `describe()` get for one entity run. */
export function createContext(
  run: Pick<EntityRun, "flow" | "entity">,
  scope: {
    projectDir: string;
    connections: Record<string, ResolvedConnection>;
    resources: ResourceScope;
    logger?: Logger;
  },
): CreateContext {
  return {
    flow: run.flow,
    entity: run.entity,
    projectDir: scope.projectDir,
    connections: scope.connections,
    resources: scope.resources,
    logger: scope.logger ?? silentLogger,
  };
}
