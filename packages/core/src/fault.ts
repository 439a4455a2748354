/**
 * Named crash points for the fault-injection suite. When `HYGGE_FAULT_KILL_AT` names this point
 * (optionally `name#N` for its N-th hit), the process kills itself with SIGKILL on the spot:
 * no cleanup, no finally blocks, exactly like a power cut. A no-op otherwise.
 */
const hits = new Map<string, number>();

export function faultPoint(name: string): void {
  const target = process.env.HYGGE_FAULT_KILL_AT;
  if (!target) return;
  const [point, nth] = target.split("#");
  if (point !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count >= Number(nth ?? "1")) process.kill(process.pid, "SIGKILL");
}
