// Child process of conform-crash.test.ts: `<root> <entity> <repair>`, a crash run of the folder store.
import { crashChildRun } from "../src/testing/index.js";
import { dirStore } from "./conform-dir-store.js";

const [root, entity, repair] = process.argv.slice(2) as [string, string, string];
await crashChildRun(entity, (e) => dirStore(root, e, { repair: repair === "1" }));
