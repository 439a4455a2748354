import { spawn } from "node:child_process";
import type { RecordBatch } from "apache-arrow";
import type { Store } from "../contracts/store.js";
import { runFlow } from "../flow/run-flow.js";
import { memoryHome } from "./memory.js";
import { sequenceBatches } from "./type-matrix.js";

/** What a crash child writes (`crashChildRun`): 2,000 rows in 8 batches, ids 50000…51999. */
export const crashData = (): RecordBatch[] => sequenceBatches(2_000, 250, 50_000);

/**
 * The body of the child process `StoreCrashOptions.spawn` starts: a full_drop of `crashData()`
 * into `entity` through the store `create` makes, in flow "conformance". With
 * `HYGGE_FAULT_KILL_AT` set, the process kills itself at that point.
 */
export async function crashChildRun(entity: string, create: (entity: string) => Store | Promise<Store>) {
  return runFlow({ flow: "conformance", entity, home: memoryHome(crashData()), store: () => create(entity) });
}

/** How a child process ended. */
export interface ChildOutcome {
  signal: string | null;
  code: number | null;
  stderr: string;
}

/**
 * Runs `node <execArgv> <file> <args>` with `env` added and resolves with how it ended: the usual
 * `StoreCrashOptions.spawn`. `execArgv` defaults to `["--import", "tsx"]` (a TypeScript child
 * during development); pass `[]` for a compiled `.js` child.
 */
export function spawnChild(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  execArgv: readonly string[] = ["--import", "tsx"],
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, file, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 10_000) stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}
