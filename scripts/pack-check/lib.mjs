// Helpers of scripts/pack-check.mjs: running commands, timing steps, reading tarballs, sizes.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Runs a command; throws with its output when it fails (unless allowFail). */
export function run(cmd, args, { cwd, allowFail = false, env } = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")} could not start: ${r.error.message}`);
  if (!allowFail && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.status}:\n${r.stdout}${r.stderr}`);
  }
  return r;
}

/** Runs one named step (sync or async) and prints how long it took. */
export async function step(name, fn) {
  const t = Date.now();
  console.log(`▶ ${name}`);
  await fn();
  console.log(`  ${((Date.now() - t) / 1000).toFixed(1)}s`);
}

/** The file list and the package.json of a .tgz made by `pnpm pack`. */
export function tarballEntries(file) {
  const files = run("tar", ["tzf", file]).stdout.split("\n").filter(Boolean);
  const packageJson = run("tar", ["xzf", file, "-O", "package/package.json"]).stdout;
  return { files, packageJson };
}

/** Apparent size of a folder (bytes, files) and how many packages its node_modules holds. */
export function folderSize(dir) {
  let bytes = 0;
  let files = 0;
  let packages = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        bytes += fs.statSync(p).size;
        files++;
        if (
          e.name === "package.json" &&
          path.basename(path.dirname(path.dirname(p))).match(/^(node_modules|@.+)$/)
        ) {
          packages++;
        }
      }
    }
  };
  walk(dir);
  return { bytes, files, packages };
}

/** What every published package.json must say; returns the problems found. */
export function checkManifest(root, { dir, manifest }, license) {
  const out = [];
  const name = manifest.name;
  if (manifest.license !== "MIT") out.push(`${name}: license is ${manifest.license}, not MIT`);
  if (!manifest.engines?.node) out.push(`${name}: no engines.node`);
  if (manifest.repository?.directory !== dir) out.push(`${name}: repository.directory is not "${dir}"`);
  if (!manifest.description) out.push(`${name}: no description`);
  if (!manifest.files?.includes("LICENSE")) out.push(`${name}: files does not list LICENSE`);
  if (manifest.publishConfig?.access !== "public") out.push(`${name}: publishConfig.access is not "public"`);
  const own = path.join(root, dir, "LICENSE");
  if (!fs.existsSync(own)) out.push(`${name}: ${dir}/LICENSE is missing`);
  else if (fs.readFileSync(own, "utf8") !== license)
    out.push(`${name}: ${dir}/LICENSE differs from the root LICENSE`);
  for (const f of [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})].filter(Boolean)) {
    if (!fs.existsSync(path.join(root, dir, f)))
      out.push(`${name}: ${f} does not exist (run pnpm build first)`);
  }
  return out;
}

/** Like run, without blocking: resolves with { status, stdout, stderr }. */
export function runAsync(cmd, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => reject(new Error(`${cmd} ${args.join(" ")} could not start: ${e.message}`)));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Maps `items` through `fn`, `limit` at a time, keeping their order. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The pnpm to run: the one running this script (`pnpm pack-check`), else the pinned version,
 * found once through npx (each `npx pnpm@…` call costs seconds).
 */
export function findPnpm(version) {
  const { env } = process;
  if (/^pnpm\//.test(env.npm_config_user_agent ?? "") && env.npm_execpath) {
    return [process.execPath, env.npm_execpath];
  }
  const r = run("npx", ["--yes", "-p", `pnpm@${version}`, "-c", "command -v pnpm"], { cwd: os.tmpdir() });
  const bin = r.stdout.trim().split("\n").pop();
  if (!bin) throw new Error(`npx found no pnpm@${version}:\n${r.stdout}${r.stderr}`);
  return [bin];
}
