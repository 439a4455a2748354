import { hygge } from "./cli.js";

export const COMMON_FAULT_POINTS = [
  "engine:before-commit",
  "engine:after-commit",
  "journal:after-record",
  "atomic-write:before-rename",
];

export interface TrialPlan {
  mode: "--full-drop" | "--incremental";
  kill: { afterMs: number } | { point: string };
}

/**
 * Picks a run type (unless given) and a kill: half at a random moment of a typical run, half at a
 * named fault point.
 */
export function planTrial(
  random: () => number,
  typicalMs: number,
  points: readonly string[],
  runType?: TrialPlan["mode"],
): TrialPlan {
  const mode = runType ?? (random() < 0.5 ? "--full-drop" : "--incremental");
  if (random() < 0.5) return { mode, kill: { afterMs: Math.floor(random() * typicalMs * 1.2) } };
  const point = points[Math.floor(random() * points.length)]!;
  const nth = 1 + Math.floor(random() * 2);
  return { mode, kill: { point: `${point}#${nth}` } };
}

/** Runs `hygge go` with the planned kill; returns whether it really died before finishing. */
export async function runKilled(projectDir: string, plan: TrialPlan, extraEnv: Record<string, string> = {}) {
  const args = ["go", "--project", projectDir, plan.mode, "--quiet"];
  if ("afterMs" in plan.kill) return hygge(args, { killAfterMs: plan.kill.afterMs, env: extraEnv });
  return hygge(args, { env: { ...extraEnv, HYGGE_FAULT_KILL_AT: plan.kill.point } });
}

export async function runClean(
  projectDir: string,
  mode: TrialPlan["mode"],
  extraEnv: Record<string, string> = {},
) {
  const result = await hygge(["go", "--project", projectDir, mode, "--json"], { env: extraEnv });
  if (result.code !== 0) {
    throw new Error(`hygge go ${mode} failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
  }
  return result;
}
