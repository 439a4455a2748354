import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localStorage } from "../src/index.js";
import { testStorage } from "../src/testing/index.js";

let dir: string | undefined;
testStorage({
  name: "local disk",
  storage: () => localStorage,
  prefix: async () => {
    dir ??= await mkdtemp(join(tmpdir(), "hygge-local-storage-"));
    return `${dir.slice(1)}/`;
  },
});
