import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeFor, readableWorkspaceCopy } from "../../../scripts/test-support/unprivileged.mjs";

export const pkg = fileURLToPath(new URL("..", import.meta.url));
/** The built package: child processes run it as a user would. */
export const dist = join(pkg, "dist", "index.js");

export interface Child {
  /** Rows 0..count-1 (incremental: the engine skips those already committed), or `count` rows from `start` (full_drop). */
  count: number;
  start?: number;
  incremental?: boolean;
  delayMs?: number;
  /** SIGKILL this long after the child is about to run the flow. */
  killAfterMs?: number;
  /** HYGGE_FAULT_KILL_AT */
  faultAt?: string;
  /** Run as the unprivileged user `nobody` (setpriv). */
  asNobody?: boolean;
}

export interface ChildResult {
  signal: NodeJS.Signals | null;
  code: number | null;
  /** Everything printed: "ready", the store's warnings ("warn: …"), "done" or "error: …". */
  output: string;
}

let readable: { cwd: string; dist: string; node: string } | undefined;
/**
 * What `nobody` runs: a world-readable copy of the built package and what it loads (the checkout
 * may sit in a folder only root can enter), made once per test process and left to the OS temp
 * cleaner like the test folders.
 */
function readableCopy(): { cwd: string; dist: string; node: string } {
  if (!readable) {
    const copy = readableWorkspaceCopy({
      repoRoot: join(pkg, "..", ".."),
      cliDir: "packages/parquet",
      bin: "dist/index.js",
      extra: ["@hygge/core"],
    });
    readable = {
      cwd: join(copy.dir, "packages", "parquet"),
      dist: copy.bin,
      node: nodeFor("nobody", copy.dir),
    };
  }
  return readable;
}

/** A child process running one flow of entity "orders" into `<dir>/out` (max 300 rows per file). */
export function childRun(dir: string, run: Child): Promise<ChildResult> {
  const where = run.asNobody ? readableCopy() : { cwd: pkg, dist, node: process.execPath };
  const script = `
    import { Registry, runFlow } from "@hygge/core";
    import { memoryHome, sequenceBatches } from "@hygge/core/testing";
    import plugin from ${JSON.stringify(where.dist)};
    const logger = { debug() {}, info() {}, warn(m) { console.log("warn: " + m); } };
    const ctx = { flow: "k", entity: "orders", projectDir: ${JSON.stringify(dir)}, connections: {}, resources: { get: async (_k, c) => c() }, logger };
    const stores = new Registry([plugin]).store("parquet").definition;
    const store = await stores.create(stores.options.parse({ path: "out", max_rows_per_file: 300 }), ctx);
    console.log("ready");
    try {
      await runFlow({ flow: "k", entity: "orders", home: memoryHome(sequenceBatches(${run.count}, 20, ${run.start ?? 0}), { delayMs: ${run.delayMs ?? 0} }), store${
        run.incremental ? `, runType: "incremental", watermark: { column: "id", primaryKey: ["id"] }` : ""
      } });
      console.log("done");
    } catch (error) {
      console.log("error: " + error.message);
      process.exitCode = 1;
    }`;
  const command = run.asNobody
    ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", where.node]
    : [process.execPath];
  return new Promise((resolve) => {
    const child = spawn(command[0]!, [...command.slice(1), "--input-type=module", "-e", script], {
      cwd: where.cwd,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, HYGGE_FAULT_KILL_AT: run.faultAt ?? "" },
    });
    // The kill clock starts when the child is about to run the flow (module loading takes seconds on a busy machine).
    let timer: NodeJS.Timeout | undefined;
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (run.killAfterMs !== undefined && timer === undefined && output.includes("ready"))
        timer = setTimeout(() => child.kill("SIGKILL"), run.killAfterMs);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ signal, code, output });
    });
  });
}
