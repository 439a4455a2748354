import { readFile, readlink } from "node:fs/promises";
import os from "node:os";

/**
 * Who holds a lock, as exactly as this machine can say: the pid alone is not an identity (pids are
 * reused, and every container's first process is pid 1), so Linux adds the boot, the pid
 * namespace and the process's start time.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id */
  boot?: string;
  /** The pid namespace (/proc/self/ns/pid): pids of another namespace mean nothing here. */
  pidns?: string;
  /** Start time of the process since boot, in clock ticks (/proc/<pid>/stat field 22). */
  pstart?: string;
}

/** alive: that very process runs; dead: it certainly does not; unknown: only a heartbeat can tell. */
export type Liveness = "alive" | "dead" | "unknown";

const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);

async function startTime(pid: number): Promise<string | undefined> {
  const stat = await quiet(readFile(`/proc/${pid}/stat`, "utf8"));
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

let mine: Promise<ProcessIdentity> | undefined;

export function currentIdentity(): Promise<ProcessIdentity> {
  mine ??= (async () => {
    const [boot, pidns, pstart] = await Promise.all([
      quiet(readFile("/proc/sys/kernel/random/boot_id", "utf8")),
      quiet(readlink("/proc/self/ns/pid")),
      startTime(process.pid),
    ]);
    return {
      pid: process.pid,
      host: os.hostname(),
      ...(boot ? { boot: boot.trim() } : {}),
      ...(pidns ? { pidns } : {}),
      ...(pstart ? { pstart } : {}),
    };
  })();
  return mine;
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the process that wrote `holder` still runs. Exact when it ran in this pid namespace on
 * this boot: a missing pid or another start time (pid reused) is dead, and a holder with our own
 * pid is alive only if this process holds it (`heldHere`). Anything else, such as another host or
 * container, or a platform without /proc, is unknown and left to the lock's heartbeat.
 */
export async function liveness(holder: ProcessIdentity, heldHere: boolean): Promise<Liveness> {
  const me = await currentIdentity();
  if (holder.host !== me.host || !Number.isInteger(holder.pid) || holder.pid <= 0) return "unknown";
  // A lock written without boot or namespace (older hygge, or no /proc there) is judged by its pid.
  if ((holder.boot && holder.boot !== me.boot) || (holder.pidns && holder.pidns !== me.pidns))
    return "unknown";
  if (holder.pid === me.pid) return heldHere ? "alive" : "dead";
  if (!exists(holder.pid)) return "dead";
  if (!holder.pstart) return "unknown";
  const start = await startTime(holder.pid);
  if (start === undefined) return "unknown";
  return start === holder.pstart ? "alive" : "dead";
}
