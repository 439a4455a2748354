import { randomUUID } from "node:crypto";
import { link, mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { HyggeError } from "../errors.js";
import { hold } from "./lock-hold.js";
import { ageOf, type HeldLock, heldHere, type LockInfo, readInfo } from "./lock-info.js";
import { currentIdentity, type Liveness, liveness } from "./process-identity.js";

export type { HeldLock } from "./lock-info.js";

export interface LockOptions {
  /** Shown to whoever is refused (redact secrets first). */
  command?: string;
  /** What the lock keeps apart, for messages: "this project". */
  what?: string;
  /** How often the holder refreshes the lock file's mtime (default 5 s). */
  heartbeatMs?: number;
  /** A holder whose liveness cannot be checked directly is gone once its heartbeat is this old (default 30 s). */
  staleMs?: number;
  /** Called once if the lock file stops being ours while held (removed, or taken over after a stall). */
  onLost?: (reason: string) => void;
}

export type ProjectLock = HeldLock;

export const LOCK_DEFAULTS = { heartbeatMs: 5_000, staleMs: 30_000 } as const;
/** A lock or takeover guard being written is unreadable for a moment; past this it was abandoned. */
const PARTIAL_MS = 5_000;

/** The project lock: `<dir>/lock`. */
export async function acquireLock(
  dir: string,
  command?: string,
  options: Omit<LockOptions, "command"> = {},
): Promise<ProjectLock> {
  await mkdir(dir, { recursive: true });
  return acquireLockFile(path.join(dir, "lock"), { what: "this project", ...options, command });
}

/**
 * An exclusive lock file, created with O_EXCL. A second holder is refused with a LOCKED error
 * naming the first. The holder's liveness is checked exactly where this machine can (same boot
 * and pid namespace: a missing pid, or one reused by a process with another start time, is dead;
 * our own pid is alive only if this process holds the lock), and otherwise by a heartbeat: the
 * holder refreshes the file's mtime every `heartbeatMs`, and a lock whose holder cannot be checked
 * exactly is stale once its mtime is older than `staleMs`, whatever its pid says. A stale lock is cleared under a second O_EXCL file
 * (`<file>.takeover`) after checking again that it still holds the same stale holder, so a lock
 * just taken by a live process is never moved aside.
 */
export async function acquireLockFile(file: string, options: LockOptions = {}): Promise<HeldLock> {
  const heartbeatMs = options.heartbeatMs ?? LOCK_DEFAULTS.heartbeatMs;
  const staleMs = options.staleMs ?? Math.max(LOCK_DEFAULTS.staleMs, heartbeatMs * 3);
  if (!(heartbeatMs > 0) || staleMs < heartbeatMs * 2) {
    throw new RangeError(
      `lock ${file}: staleMs (${staleMs}) must be at least twice heartbeatMs (${heartbeatMs})`,
    );
  }
  const mine: LockInfo = {
    ...(await currentIdentity()),
    startedAt: new Date().toISOString(),
    command: options.command,
    token: randomUUID(),
    heartbeatMs,
    staleMs,
  };
  const what = options.what ?? file;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const handle = await open(file, "wx");
      try {
        await handle.writeFile(JSON.stringify(mine));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return hold(file, mine, heartbeatMs, options.onLost);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const seen = await observe(file, staleMs);
    if (seen.state === "held") throw lockedError(file, what, seen.holder!, seen.verdict, seen.ageMs, staleMs);
    if (seen.state === "writing") {
      await sleep(100);
      continue;
    }
    if (seen.state === "stale") await takeOver(file, seen.holder, staleMs);
  }
  throw new HyggeError("LOCKED", `could not take the lock ${file}`, {
    subject: file,
    hint: "Many processes are competing for it; try again.",
  });
}

interface Observation {
  state: "gone" | "writing" | "held" | "stale";
  holder?: LockInfo;
  verdict?: Liveness;
  ageMs: number;
}

/** Reads the lock and judges its holder: held (alive or heartbeat fresh), stale, or being written. */
async function observe(file: string, defaultStaleMs: number): Promise<Observation> {
  const ageMs = await ageOf(file);
  if (ageMs === undefined) return { state: "gone", ageMs: 0 };
  const holder = await readInfo(file);
  if (!holder) return { state: ageMs < PARTIAL_MS ? "writing" : "stale", ageMs };
  const verdict = await liveness(holder, holder.token !== undefined && heldHere.has(holder.token));
  if (verdict === "alive") return { state: "held", holder, verdict, ageMs };
  if (verdict === "dead") return { state: "stale", holder, verdict, ageMs };
  const staleMs = holder.staleMs ?? defaultStaleMs;
  return { state: ageMs > staleMs ? "stale" : "held", holder, verdict, ageMs };
}

function lockedError(
  file: string,
  what: string,
  holder: LockInfo,
  verdict: Liveness | undefined,
  ageMs: number,
  staleMs: number,
): HyggeError {
  const limit = holder.staleMs ?? staleMs;
  const details: LockedDetails = {
    file,
    holder: { pid: holder.pid, host: holder.host, startedAt: holder.startedAt, command: holder.command },
    verified: verdict === "alive",
    heartbeatAgeMs: ageMs,
    staleMs: limit,
  };
  return new HyggeError("LOCKED", `another hygge run holds ${what} (${describeHolder(details.holder)})`, {
    subject: file,
    hint: `Wait for it to finish.${heartbeatNote(details)}`,
    details,
  });
}

/** Who holds a lock, as a LOCKED error's `details` give it (never its token). */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command?: string;
}

/** `details` of the LOCKED error `acquireLockFile` throws. */
export interface LockedDetails {
  file: string;
  holder: LockHolder;
  /** True when this machine checked that very process runs; false when only its heartbeat says so. */
  verified: boolean;
  heartbeatAgeMs: number;
  staleMs: number;
}

export const describeHolder = (h: LockHolder): string =>
  `pid ${h.pid} on ${h.host}, started ${h.startedAt}${h.command ? `: ${h.command}` : ""}`;

/** For a holder known only by its heartbeat: how old it is, and when the lock is taken over. */
export function heartbeatNote(d: LockedDetails): string {
  if (d.verified) return "";
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  return ` Its last heartbeat was ${seconds(d.heartbeatAgeMs)} ago; if that process is gone, the lock is taken over once its heartbeat is ${seconds(d.staleMs)} old (or delete ${d.file}).`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sameHolder = (a: LockInfo | undefined, b: LockInfo | undefined) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.token === b.token &&
    a.pid === b.pid &&
    a.startedAt === b.startedAt &&
    a.host === b.host);

/**
 * Clears a stale lock. Only one process at a time may, under `<file>.takeover` (O_EXCL), and it
 * checks again under that right that the lock still holds the same holder and is still stale:
 * otherwise a lock freshly taken by a third process could be moved aside by a slower one that saw
 * the dead holder a moment before. Exported for tests only (not from the package index).
 */
export async function takeOver(file: string, stale: LockInfo | undefined, staleMs: number): Promise<void> {
  const guard = `${file}.takeover`;
  const me: LockInfo = {
    ...(await currentIdentity()),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(guard, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    await clearAbandonedGuard(guard);
    return;
  }
  heldHere.add(me.token!);
  try {
    await handle.writeFile(JSON.stringify(me));
    await handle.close();
    const now = await observe(file, staleMs);
    if (now.state === "stale" && sameHolder(now.holder, stale)) {
      const aside = `${file}.stale-${me.token}`;
      await rename(file, aside).catch(() => undefined);
      await rm(aside, { force: true });
    }
  } finally {
    heldHere.delete(me.token!);
    await handle.close().catch(() => undefined);
    await rm(guard, { force: true });
  }
}

/**
 * Another process is clearing the lock: wait. A guard left by a process that died in that
 * moment (dead holder, or an unknown one older than a few seconds) is moved to a unique name first and removed
 * only if it is still the guard judged abandoned; a fresh guard moved by mistake is put back.
 */
async function clearAbandonedGuard(guard: string): Promise<void> {
  const ageMs = await ageOf(guard);
  if (ageMs === undefined) return;
  const holder = await readInfo(guard);
  const verdict = holder ? await liveness(holder, heldHere.has(holder.token ?? "")) : "unknown";
  if (verdict === "alive" || (verdict === "unknown" && ageMs < PARTIAL_MS)) {
    await sleep(50);
    return;
  }
  const aside = `${guard}.abandoned-${randomUUID()}`;
  try {
    await rename(guard, aside);
  } catch {
    return;
  }
  const moved = await readInfo(aside);
  if (holder ? moved?.token !== holder.token : (await ageOf(aside))! < PARTIAL_MS) {
    await link(aside, guard).catch(() => undefined);
  }
  await rm(aside, { force: true });
}
