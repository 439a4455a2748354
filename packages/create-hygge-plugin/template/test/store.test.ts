// The conformance suite of @hygge/core/testing, run against the my-plugin store.

import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { openFileDescriptors, tempDir, testStore } from "@hygge/core/testing";
import { tableFromIPC } from "apache-arrow";
import plugin, { arrowFileStore } from "../src/index.js";
import { createContext } from "./context.js";

const root = tempDir("my-plugin-store");
const folder = path.join(root, "out");

testStore({
  name: "my-plugin store",
  create: (entity) => plugin.stores["my-plugin"].create({ folder: "out" }, createContext(root, entity)),
  // Read the published file with apache-arrow directly, not through the plugin. A real plugin
  // reads back with another tool (DuckDB, its database's client), so one shared bug cannot pass.
  readBack: async (entity) => {
    const file = path.join(folder, `${entity}.arrow`);
    return existsSync(file) ? tableFromIPC(await readFile(file)) : undefined;
  },
  failingCommit: (entity) =>
    arrowFileStore(folder, entity, async () => {
      throw new Error("injected: the rename failed");
    }),
  inspect: {
    leftovers: async (entity) =>
      existsSync(folder)
        ? (await readdir(folder)).filter((f) => f.startsWith(`${entity}.arrow.`) && f.endsWith(".tmp"))
        : [],
    openHandles: openFileDescriptors,
  },
});
