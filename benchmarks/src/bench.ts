// pnpm bench [CASE...] [--scale N] [--repeat N] [--list]: generates data, runs hygge and the
// reference (each in a fresh process, alternating, N times), prints the median of each and the ratio.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loaders } from "./cases/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const scaleAt = args.indexOf("--scale");
const repeatAt = args.indexOf("--repeat");
const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 1;
const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 1;
const names = args.filter(
  (a, i) => !a.startsWith("--") && (scaleAt < 0 || i !== scaleAt + 1) && (repeatAt < 0 || i !== repeatAt + 1),
);
if (args.includes("--list")) {
  for (const [name, load] of Object.entries(loaders))
    console.log(`${name}: ${(await load()).benchCase.description}`);
  process.exit(0);
}
const selected = names.length > 0 ? names : Object.keys(loaders);

interface Measured {
  rows: number;
  bytes: number;
  ms: number;
  maxRssKb: number;
}

function runSide(name: string, side: string, dir: string): Measured {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(here, "side.ts"), name, side, dir, String(scale)],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "inherit"] },
  );
  if (child.status !== 0) throw new Error(`${name}/${side} exited with ${child.status}:\n${child.stdout}`);
  const last = child.stdout.trim().split("\n").at(-1)!;
  return JSON.parse(last) as Measured;
}

/** The run of median time among `runs` (its own rows and bytes), with the highest peak RSS of all. */
function median(runs: Measured[]): Measured & { spread: string } {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const spread =
    runs.length > 1 ? `${fmt(sorted[0]!.ms / 1000, 2)}–${fmt(sorted.at(-1)!.ms / 1000, 2)} s` : "";
  return { ...mid, maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)), spread };
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
for (const name of selected) {
  const loader = loaders[name];
  if (!loader) {
    console.error(`unknown case ${name}; cases: ${Object.keys(loaders).join(", ")}`);
    process.exit(2);
  }
  const { benchCase } = await loader();
  const dir = path.resolve(here, "..", ".data", `${name}-x${scale}`);
  mkdirSync(dir, { recursive: true });
  console.log(`\n## ${name} (scale ${scale}): ${benchCase.description}`);
  const t0 = performance.now();
  await benchCase.prepare(dir, scale);
  console.log(`prepared in ${fmt((performance.now() - t0) / 1000, 1)} s (${dir})`);
  // Sides alternate within each round, so that a load change on the machine hits them alike.
  const sides = [
    ["hygge", "hygge"],
    [benchCase.reference.name, "reference"],
    ...(benchCase.context ?? []).map((side, i) => [`${side.name} [context]`, `context:${i}`]),
  ] as const;
  const runs = sides.map(() => [] as Measured[]);
  for (let round = 0; round < repeat; round++)
    for (const [i, [, side]] of sides.entries()) runs[i]!.push(runSide(name, side, dir));
  const results = sides.map(([label], i) => [label, median(runs[i]!)] as const);
  const h = results[0]![1];
  console.log("| side | rows | seconds | rows/s | MB/s | peak RSS MB |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const [label, r] of results) {
    const s = r.ms / 1000;
    console.log(
      `| ${label} | ${fmt(r.rows)} | ${fmt(s, 2)} | ${fmt(r.rows / s)} | ${fmt(r.bytes / 1e6 / s, 1)} | ${fmt(r.maxRssKb / 1024)} |`,
    );
  }
  if (repeat > 1) {
    console.log(
      `median of ${repeat} runs each; seconds min–max: ${results.map(([l, r]) => `${l} ${r.spread}`).join("; ")}`,
    );
  }
  for (const [label, r] of results.slice(1)) {
    const ratio = h.rows / h.ms / (r.rows / r.ms);
    const verdict = ratio >= 1 ? `${fmt(ratio, 2)}x faster` : `${fmt(1 / ratio, 2)}x slower`;
    console.log(`ratio (rows/s, hygge ÷ ${label}): ${fmt(ratio, 2)}, hygge is ${verdict}`);
    if (h.rows !== r.rows) console.log(`WARNING: row counts differ (hygge ${h.rows}, ${label} ${r.rows})`);
  }
  if (benchCase.check) console.log(`check: ${await benchCase.check(dir, scale)}`);
}
