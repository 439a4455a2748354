// Child process of conform-strict.test.ts: `<root> <entity>`, the conformance kit's crash run
// (HYGGE_FAULT_KILL_AT names the point where it kills itself). No jest here: the store is made
// as helpers.ts makeStore() makes it.
import { Registry, type Store, silentLogger } from "@hygge/core";
import { crashChildRun } from "@hygge/core/testing";
import plugin from "../src/index.js";

const [root, entity] = process.argv.slice(2) as [string, string];
const { definition } = new Registry([plugin]).store("parquet");
await crashChildRun(
  entity,
  (e) =>
    definition.create(definition.options.parse({ path: "store", row_group_size: 1000 }), {
      flow: "conformance",
      entity: e,
      projectDir: root,
      connections: {},
      resources: { get: async (_k, create) => create() },
      logger: silentLogger,
    }) as Store,
);
