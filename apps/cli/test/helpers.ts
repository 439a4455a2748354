import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLI_DIR = path.resolve(here, "..");
export const BIN = path.join(CLI_DIR, "dist", "bin.js");
export const REPO = path.resolve(CLI_DIR, "../..");
export const FIXTURE_PLUGIN = path.join(here, "fixtures", "memory-plugin.mjs");
// One folder per jest worker process: a test file cleaning up must not remove the folders of
// files that run at the same time in other workers.
const TMP = path.join(here, ".tmp", `w${process.pid}`);

/** Writes an inline file tree into a fresh folder under test/.tmp (so fixtures resolve @hygge/core). */
export function testdir(files: Record<string, string | Buffer>, base = TMP): string {
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, "p-"));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

export function cleanup(): void {
  fs.rmSync(TMP, { recursive: true, force: true });
}

/** The relative path from a project folder to the memory fixture plugin, as `plugins:` would name it. */
export const fixturePlugin = (dir: string): string => path.relative(dir, FIXTURE_PLUGIN);

/** `name: demo` with the memory fixture plugin; `PLUGIN` in any file is replaced by its relative path. */
export const DEFAULT_PROJECT = "name: demo\nplugins:\n  - PLUGIN\n";

/** Two flows on the memory fixture plugin: sales (customers, orders) and stock (products). */
export const TWO_FLOWS: Record<string, string> = {
  "hygge.yml": DEFAULT_PROJECT,
  "flows/sales/flow.yml":
    "home:\n  type: memory\nstore:\n  type: jsonfile\n  path: out\nentities:\n  - customers\n",
  "flows/sales/entities/orders.yml": "run_type: full_drop\n",
  "flows/stock/flow.yml":
    "home:\n  type: memory\nstore:\n  type: jsonfile\n  path: out\nentities: [products]\n",
};

export function memoryProject(files: Record<string, string> = TWO_FLOWS, base?: string): string {
  const dir = testdir({}, base);
  for (const [rel, content] of Object.entries({ "hygge.yml": DEFAULT_PROJECT, ...files })) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content.replaceAll("PLUGIN", path.relative(path.dirname(file), FIXTURE_PLUGIN)));
  }
  return dir;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  all: string;
}

const cleanEnv = (env: Record<string, string | undefined> = {}) => {
  const out: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, ...env };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out as NodeJS.ProcessEnv;
};

/** Runs the built `hygge` binary, as a user would. */
export function hygge(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeout?: number } = {},
): Result {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? CLI_DIR,
    env: cleanEnv(options.env),
    encoding: "utf8",
    timeout: options.timeout ?? 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

/** Starts `hygge` and sends `signal` once `ready(output)` is true; resolves with the result. */
export function hyggeSignal(
  args: string[],
  options: { cwd: string; signal: NodeJS.Signals; ready: (output: string) => boolean },
): Promise<Result> {
  return hyggeWhile(args, { ...options, act: (child) => child.kill(options.signal) });
}

/** Starts `hygge` and calls `act` once, as soon as `ready(output)` is true; resolves with the result. */
export function hyggeWhile(
  args: string[],
  options: { cwd: string; ready: (output: string) => boolean; act: (child: ChildProcess) => void },
): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv() });
    let stdout = "";
    let stderr = "";
    let sent = false;
    const check = () => {
      if (!sent && options.ready(stdout + stderr)) {
        sent = true;
        options.act(child);
      }
    };
    child.stdout.on("data", (d) => {
      stdout += d;
      check();
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      check();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr, all: stdout + stderr }));
  });
}

/** A hash of every file (path, mode, content) under `dir`: equal hashes mean byte-for-byte unchanged. */
export function hashTree(dir: string): string {
  const hash = createHash("sha256");
  const walk = (d: string) => {
    for (const entry of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      const rel = path.relative(dir, full);
      if (entry.isDirectory()) {
        hash.update(`d:${rel}\n`);
        walk(full);
      } else {
        const stat = fs.statSync(full);
        hash.update(`f:${rel}:${stat.mode}:${stat.mtimeMs}\n`);
        hash.update(fs.readFileSync(full));
      }
    }
  };
  walk(dir);
  return hash.digest("hex");
}

export const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"));
