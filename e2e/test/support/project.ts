import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { nobodyCli } from "./as-nobody.js";
import { cliBin, repoRoot } from "./cli.js";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  all: string;
}

/**
 * Runs the built CLI synchronously; `asNobody` drops root so file permissions really apply (running the
 * copy of the CLI nobody can reach, wherever the checkout is).
 */
export function hyggeSync(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; asNobody?: boolean; fileSizeLimit?: string },
): Run {
  const env = { ...process.env, NO_COLOR: "1", ...options.env };
  let argv = [process.execPath, cliBin, ...args];
  if (options.asNobody) {
    const cli = nobodyCli();
    argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", cli.node, cli.bin, ...args];
  }
  if (options.fileSizeLimit) argv = ["prlimit", `--fsize=${options.fileSizeLimit}`, ...argv];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: options.cwd, env, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

/** Starts the CLI and sends `signal` once the output matches `ready`. */
export function hyggeSignal(
  args: string[],
  cwd: string,
  signal: NodeJS.Signals,
  /** A pattern of the output, or a check run on each output chunk; the signal goes once it holds. */
  ready: RegExp | ((output: string) => boolean),
): Promise<Run> {
  const isReady = typeof ready === "function" ? ready : (output: string) => ready.test(output);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    let sent = false;
    const check = () => {
      if (!sent && isReady(stdout + stderr)) {
        sent = true;
        child.kill(signal);
      }
    };
    child.stdout.on("data", (d) => ((stdout += d), check()));
    child.stderr.on("data", (d) => ((stderr += d), check()));
    child.on("close", (code) => resolve({ code, stdout, stderr, all: stdout + stderr }));
  });
}

/** Every file and folder under `dir` (path, size, content): equal hashes mean byte-for-byte unchanged. */
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
        hash.update(`f:${rel}\n`);
        hash.update(fs.readFileSync(full));
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return hash.digest("hex");
}

export const tmpProject = (base: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-bad-"));
  fs.cpSync(base, dir, { recursive: true });
  return dir;
};

export const chownNobody = (dir: string) => execFileSync("chown", ["-R", "nobody:nogroup", dir]);

export { repoRoot };
