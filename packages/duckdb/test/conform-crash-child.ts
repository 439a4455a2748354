// Child process of conform-strict.test.ts: `<dir> <entity>`, the conformance kit's crash run
// (HYGGE_FAULT_KILL_AT names the point where it kills itself).
import { crashChildRun } from "@hygge/core/testing";
import { duckStore, storeContext } from "./store-helpers.js";

const [dir, entity] = process.argv.slice(2) as [string, string];
const ctx = storeContext(dir, "conformance");
await crashChildRun(entity, (e) => duckStore(ctx, e));
await ctx.resources.closeAll();
