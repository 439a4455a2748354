// A CreateContext as the engine gives one, for creating homes and stores in tests.
import { type CreateContext, silentLogger } from "@hygge/core";

export function createContext(projectDir: string, entity: string): CreateContext {
  return {
    flow: "test",
    entity,
    projectDir,
    connections: {},
    resources: { get: async (_key, create) => create() },
    logger: silentLogger,
  };
}
