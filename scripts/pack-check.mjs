#!/usr/bin/env node
// What users install, checked as they install it: packs every publishable package with pnpm
// (which rewrites `workspace:*`), lints each tarball with publint and attw, installs the
// tarballs into an empty folder with plain npm (no pnpm, no workspace), and runs the commands a
// new user runs there. Needs the packages built (`pnpm build`). Exit 0 only when every check passed.
//
//   node scripts/pack-check.mjs [--keep] [--no-lint]
//
// --keep leaves the temporary folder (its path is printed); --no-lint skips publint and attw.
// With HYGGE_TEST_POSTGRES_URL set, a Parquet → PostgreSQL flow also runs in the installed folder.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkHttpExample } from "./pack-check/http-example.mjs";
import { checkInstalled } from "./pack-check/installed.mjs";
import {
  checkManifest,
  findPnpm,
  folderSize,
  pool,
  run,
  runAsync,
  step,
  tarballEntries,
} from "./pack-check/lib.mjs";
import { checkTemplate } from "./pack-check/template.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const keep = args.has("--keep");
const lint = !args.has("--no-lint");
const started = Date.now();
const rootManifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const PNPM_VERSION = rootManifest.packageManager.split("@")[1];
const license = fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8");

/** Publishable packages: every non-private package.json under packages/ and apps/. */
const packages = ["packages", "apps"]
  .flatMap((top) => fs.readdirSync(path.join(ROOT, top)).map((d) => path.join(top, d)))
  .filter((dir) => fs.existsSync(path.join(ROOT, dir, "package.json")))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(fs.readFileSync(path.join(ROOT, dir, "package.json"), "utf8")),
  }))
  .filter((p) => !p.manifest.private)
  .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));

const work = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-pack-check-"));
const tarballs = path.join(work, "tarballs");
fs.mkdirSync(tarballs);
const problems = [];
try {
  await step(`manifests of ${packages.length} packages`, () => {
    for (const p of packages) problems.push(...checkManifest(ROOT, p, license));
  });

  const packed = {};
  await step("pnpm pack", async () => {
    const pnpm = findPnpm(PNPM_VERSION);
    await pool(packages, 3, async ({ dir, manifest }) => {
      const r = await runAsync(pnpm[0], [...pnpm.slice(1), "pack", "--pack-destination", tarballs], {
        cwd: path.join(ROOT, dir),
      });
      const file = r.stdout
        .trim()
        .split("\n")
        .reverse()
        .find((l) => l.endsWith(".tgz"));
      if (r.status !== 0 || !file) throw new Error(`pnpm pack in ${dir} failed:\n${r.stdout}${r.stderr}`);
      packed[manifest.name] = path.resolve(path.join(ROOT, dir), file.trim());
    });
    for (const [name, file] of Object.entries(packed)) {
      const entries = tarballEntries(file);
      const json = JSON.parse(entries.packageJson);
      const main = `package/${(json.main ?? "dist/index.js").replace(/^\.\//, "")}`;
      for (const need of ["package/LICENSE", "package/package.json", main]) {
        if (!entries.files.includes(need)) problems.push(`${name}: the tarball has no ${need}`);
      }
      if (entries.packageJson.includes("workspace:")) {
        problems.push(`${name}: the packed package.json still says workspace:`);
      }
    }
  });

  if (lint) {
    await step("publint --strict and attw --profile esm-only on every tarball", async () => {
      const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
      const checks = Object.entries(packed).flatMap(([name, file]) => [
        { name, tool: "publint", args: [file, "--strict"] },
        {
          name,
          tool: "attw",
          args: [file, "--profile", "esm-only", "--format", "ascii", "--no-color", "--no-emoji"],
        },
      ]);
      await pool(checks, 3, async ({ name, tool, args }) => {
        const r = await runAsync(bin(tool), args, { cwd: work });
        // publint exits 0 on warnings and suggestions unless --strict; "All good!" means none at all.
        const ok = r.status === 0 && (tool !== "publint" || /All good!/.test(r.stdout));
        if (!ok) problems.push(`${tool} ${name}:\n${r.stdout}${r.stderr}`);
      });
    });
  }

  // A PostgreSQL user's install: the CLI (with core and parquet) and @hygge/sql, nothing else.
  const app = path.join(work, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, "package.json"),
    `${JSON.stringify({ name: "pack-check-app", private: true }, null, 2)}\n`,
  );
  const pgOnly = ["@hygge/core", "@hygge/parquet", "@hygge/sql", "@hygge/cli"];
  await step(`npm install ${pgOnly.join(" ")} (tarballs)`, () => {
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...pgOnly.map((n) => packed[n])], {
      cwd: app,
    });
    const size = folderSize(path.join(app, "node_modules"));
    console.log(
      `  node_modules: ${(size.bytes / 1e6).toFixed(1)} MB in ${size.files} files, ${size.packages} packages`,
    );
    for (const absent of ["mssql", "tedious", "@azure/identity"]) {
      if (fs.existsSync(path.join(app, "node_modules", absent)))
        problems.push(`a PostgreSQL-only install holds ${absent}`);
    }
  });

  await step(
    "npx hygge init, then the command it prints, then npx hygge go; a missing mssql is named",
    () => {
      problems.push(...checkInstalled(app, { postgresUrl: process.env.HYGGE_TEST_POSTGRES_URL }));
    },
  );

  // Every other package installs from its tarball next to the CLI and imports under plain Node.
  const rest = Object.keys(packed).filter((n) => !pgOnly.includes(n));
  await step(`npm install ${rest.join(" ")} (tarballs); import every package`, () => {
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...Object.values(packed)], {
      cwd: app,
    });
    for (const name of Object.keys(packed)) {
      const r = spawnSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(name)}); if (!m) process.exit(1);`,
        ],
        {
          cwd: app,
          encoding: "utf8",
        },
      );
      if (r.status !== 0) problems.push(`import("${name}") failed in the installed folder:\n${r.stderr}`);
    }
  });

  await step("npm create hygge-plugin (tarball), then npm install, build and test the new plugin", () =>
    checkTemplate({ work, packed, run }),
  );

  await step(
    "hygge-plugin-http-api: built and tested outside the workspace, packed, installed next to the CLI, npx hygge go from a local API into Parquet",
    async () => {
      problems.push(...(await checkHttpExample({ work, packed, run, ROOT })));
    },
  );
} catch (error) {
  problems.push(error instanceof Error ? error.message : String(error));
} finally {
  if (keep) console.log(`kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}

const took = ((Date.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  console.error(`\npack-check: ${problems.length} problem${problems.length === 1 ? "" : "s"} (${took}s):`);
  for (const p of problems) console.error(`- ${p}`);
  process.exit(1);
}
console.log(
  `\npack-check passed: ${packages.length} packages packed, linted, installed with npm and run (${took}s)`,
);
