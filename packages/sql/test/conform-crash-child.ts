// Child process of postgres-conform-strict.test.ts: `<url> <entity>`, the conformance kit's
// crash run (HYGGE_FAULT_KILL_AT names the point where it kills itself).
import { crashChildRun } from "@hygge/core/testing";
import { pgStore } from "./pg-helpers.js";
import { testContext } from "./servers.js";

const [url, entity] = process.argv.slice(2) as [string, string];
const ctx = { ...testContext(url), flow: "conformance" };
await crashChildRun(entity, (e) => pgStore(ctx, e));
await ctx.resources.closeAll();
