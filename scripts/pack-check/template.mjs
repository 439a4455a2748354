// pack-check step: `npm create hygge-plugin` as a plugin author runs it. Scaffolds a plugin with
// the packed create-hygge-plugin, installs the packed @hygge/core and the template's
// devDependencies (from the registry) with plain npm, then builds it and runs its tests: the
// conformance suites of @hygge/core/testing must pass out of the box.
import fs from "node:fs";
import path from "node:path";

const NAME = "demo-plugin";
const npmQuiet = ["--no-audit", "--no-fund", "--loglevel=error"];

/** Passed and failed tests of a jest --json report, per top-level describe block. */
function summarize(report) {
  const blocks = {};
  for (const file of report.testResults)
    for (const t of file.assertionResults) {
      const block = t.ancestorTitles[0] ?? path.basename(file.name);
      blocks[block] ??= { passed: 0, failed: 0, skipped: 0 };
      if (t.status === "passed") blocks[block].passed++;
      else if (t.status === "failed") blocks[block].failed++;
      else blocks[block].skipped++;
    }
  return blocks;
}

/**
 * Throws unless the scaffolded plugin builds and its tests pass (at least one test of each
 * conformance suite, none failed). Returns the jest counts per describe block.
 */
export async function checkTemplate({ work, packed, run }) {
  const create = packed["create-hygge-plugin"];
  const core = packed["@hygge/core"];
  if (!create || !core) throw new Error("checkTemplate: create-hygge-plugin or @hygge/core was not packed");
  const parent = path.join(work, "plugin-author");
  fs.mkdirSync(parent, { recursive: true });
  const dir = path.join(parent, NAME);

  const created = run(
    "npm",
    ["exec", "--yes", ...npmQuiet, "--package", create, "--", "create-hygge-plugin", NAME],
    {
      cwd: parent,
    },
  );
  if (!created.stdout.includes(`Created hygge-plugin-${NAME}`))
    throw new Error(`create-hygge-plugin printed no "Created hygge-plugin-${NAME}":\n${created.stdout}`);
  for (const f of ["package.json", "src/index.ts", "test/store.test.ts", "test/home.test.ts", ".gitignore"])
    if (!fs.existsSync(path.join(dir, f))) throw new Error(`the scaffolded plugin has no ${f}`);

  // The packed core replaces the registry's @hygge/core; everything else is the template's own.
  run("npm", ["install", ...npmQuiet, "--save-dev", core], { cwd: dir });
  run("npm", ["run", "build"], { cwd: dir });
  const built = run(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      "const p = (await import('./dist/index.js')).default; console.log(p.name);",
    ],
    { cwd: dir },
  );
  if (built.stdout.trim() !== `hygge-plugin-${NAME}`)
    throw new Error(
      `the built plugin is named ${JSON.stringify(built.stdout.trim())}, not hygge-plugin-${NAME}`,
    );

  const reportFile = path.join(parent, "jest-report.json");
  run("npm", ["test", "--", "--json", `--outputFile=${reportFile}`], { cwd: dir });
  const report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
  const blocks = summarize(report);
  const problems = [];
  if (!report.success || report.numFailedTests > 0 || report.numPassedTests === 0)
    problems.push(`npm test: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  for (const suite of [`store conformance: ${NAME} store`, `home conformance: ${NAME} home`]) {
    const b = blocks[suite];
    if (!b || b.passed === 0 || b.failed > 0)
      problems.push(`${suite}: ${JSON.stringify(b ?? "did not run")}`);
  }
  if (problems.length > 0) throw new Error(`the scaffolded plugin's tests:\n${problems.join("\n")}`);
  const line = Object.entries(blocks)
    .map(([name, b]) => `${name} ${b.passed} passed${b.skipped ? `, ${b.skipped} skipped` : ""}`)
    .join("; ");
  console.log(`  ${line}`);
  return blocks;
}
