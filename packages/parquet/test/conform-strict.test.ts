// The conformance kit's strict checks on the Parquet store (core's local file engine): nothing
// left in the entity's bookkeeping folder after abort()/close(), no file descriptor left open,
// and a crash at each of the file engine's fault points repaired by the next run.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openFileDescriptors, spawnChild, tempDir, testStore } from "@hygge/core/testing";
import { fingerprint, makeHome, makeStore, readAll } from "./helpers.js";

const root = tempDir("parquet-strict");
const child = fileURLToPath(new URL("./conform-crash-child.ts", import.meta.url));
const list = (dir: string) => readdir(dir).catch(() => [] as string[]);

testStore({
  name: "parquet (strict)",
  create: (entity) => makeStore(root, entity, { path: "store", row_group_size: 1000 }),
  read: async (entity) =>
    (await list(join(root, "store", entity))).length === 0
      ? undefined
      : readAll(makeHome(root, entity, { path: "store" }), entity),
  snapshot: (entity) => fingerprint(join(root, "store", entity)),
  inspect: {
    // The bookkeeping folder keeps only the committed state between runs (staging-<run>/,
    // trash-<run>/ and publish.json exist only while a run publishes).
    leftovers: async (entity) =>
      (await list(join(root, "store", ".hygge", entity))).filter((f) => f !== "state.json"),
    openHandles: openFileDescriptors,
  },
  crash: {
    points: ["files:after-intent", "files:mid-publish", "files:before-state"],
    // README "What readers see": between the two renames of a publish the folder is absent.
    absentAfter: { "files:mid-publish": "the folder is absent between the two renames of a publish" },
    spawn: (entity, env) => spawnChild(child, [root, entity], env),
  },
});
