// Adds up the jest results every package wrote to .test-results/ and prints one closing line.
// `--clean` removes old results before a run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const dir = path.resolve(
  import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname),
  "..",
  ".test-results",
);
if (process.argv.includes("--clean")) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.exit(0);
}
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const file of existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
  : []) {
  const r = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  const p = r.numPassedTests;
  const f = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  const s = r.numPendingTests + r.numTodoTests;
  passed += p;
  failed += f;
  skipped += s;
  rows.push(`  ${file.replace(/\.json$/, "").padEnd(20)} ${p} passed, ${f} failed, ${s} skipped`);
}
console.log("\nTest results by package:");
console.log(rows.join("\n") || "  (no results found)");
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
