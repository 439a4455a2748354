// Child process: runs one side of one case and prints its measurements as JSON on the last line.
import { loaders } from "./cases/index.js";

const [caseName, side, dir, scaleText] = process.argv.slice(2);
const loader = loaders[caseName!];
if (!loader) throw new Error(`unknown case ${caseName}`);
const { benchCase } = await loader();
const scale = Number(scaleText ?? "1");
// "hygge", "reference", or "context:N" (the Nth context run).
const context = side?.startsWith("context:") ? benchCase.context?.[Number(side.slice(8))] : undefined;
if (side?.startsWith("context:") && !context) throw new Error(`no ${side} in ${caseName}`);
await benchCase.setup?.(dir!, scale);
let peak = process.memoryUsage.rss();
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
const started = performance.now();
const result =
  side === "hygge"
    ? await benchCase.hygge(dir!, scale)
    : context
      ? await context.run(dir!, scale)
      : await benchCase.reference.run(dir!, scale);
const ms = performance.now() - started;
clearInterval(sampler);
const maxRssKb = Math.max(peak / 1024, process.resourceUsage().maxRSS);
// After the measurements: what the teardown does (stop an emulator, keep an output) counts nowhere.
await benchCase.teardown?.(dir!, scale, side!);
console.log(JSON.stringify({ ...result, ms, maxRssKb }));
