import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { HyggeError, isHyggeError } from "../errors.js";
import {
  acquireLockFile,
  describeHolder,
  heartbeatNote,
  LOCK_DEFAULTS,
  type LockedDetails,
  type LockOptions,
} from "./lock.js";
import { type HeldLock, readInfo } from "./lock-info.js";

/** What a run claims: one (flow, entity) pair. */
export interface ClaimTarget {
  /** `<flow>` or `<flow>.<entity>`, as output names it. */
  id: string;
  flow: string;
  entity?: string;
}

export interface ClaimOptions extends Pick<LockOptions, "command" | "heartbeatMs" | "staleMs"> {
  /** Called once per claim that stops being ours while held (removed, or taken over after a stall). */
  onLost?: (target: ClaimTarget, file: string, reason: string) => void;
}

/** The claims of one run: every selected entity, held until released. */
export interface HeldClaims {
  /** The claim file of each entity id. */
  readonly files: ReadonlyMap<string, string>;
  /** True once the claim of `id` was found removed or taken by another process. */
  lost(id: string): boolean;
  release(): Promise<void>;
}

/** One refused claim, as the LOCKED error's `details.held` lists them. */
export interface HeldElsewhere extends LockedDetails {
  id: string;
}

/**
 * The claim file of a (flow, entity): `<dir>/locks/<flow>.<entity>.lock`, or `<flow>.lock` for a
 * flow without entities. Flow names hold no dot, so the first dot separates flow and entity and
 * no two pairs share a file; any character outside `A-Za-z0-9_-.` is written `%XX` (names are
 * validated before, this only guards against a path separator ever reaching here).
 */
export function claimFile(dir: string, target: Pick<ClaimTarget, "flow" | "entity">): string {
  const safe = (name: string) =>
    name.replace(/[^A-Za-z0-9_.-]|^\./g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  const flow = safe(target.flow).replaceAll(".", "%2e");
  return path.join(
    dir,
    "locks",
    `${target.entity === undefined ? flow : `${flow}.${safe(target.entity)}`}.lock`,
  );
}

/**
 * Claims every target before anything runs: all or none. A target another live process holds
 * refuses the whole run with one LOCKED error naming each such entity, its holder and what to do
 * (every claim this call took is released first). Each claim is a lock file with the project
 * lock's rules (`acquireLockFile`: liveness, heartbeat, takeover of a dead holder's claim).
 */
export async function claimEntities(
  dir: string,
  targets: readonly ClaimTarget[],
  options: ClaimOptions = {},
): Promise<HeldClaims> {
  await mkdir(path.join(dir, "locks"), { recursive: true });
  const unique = [...new Map(targets.map((t) => [t.id, t])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const held = new Map<string, HeldLock>();
  const refused: HeldElsewhere[] = [];
  let failure: unknown;
  // One at a time, in id order, stopping at the first refusal: of two runs started together that
  // want some of the same entities, the one that claims the first contested entity gets them all
  // (taken in parallel, each could hold one the other needs and both would be refused).
  let next = 0;
  for (; next < unique.length; next++) {
    const target = unique[next]!;
    const file = claimFile(dir, target);
    try {
      const lock = await acquireLockFile(file, {
        what: `entity ${target.id}`,
        command: options.command,
        heartbeatMs: options.heartbeatMs,
        staleMs: options.staleMs,
        onLost: (reason) => options.onLost?.(target, file, reason),
      });
      held.set(target.id, lock);
    } catch (error) {
      const details =
        isHyggeError(error) && error.code === "LOCKED" ? (error.details as LockedDetails) : undefined;
      if (details?.holder) refused.push({ id: target.id, ...details });
      else failure = error;
      break;
    }
  }
  if (refused.length > 0) refused.push(...(await claimedElsewhere(dir, unique.slice(next + 1))));
  const releaseAll = () => Promise.allSettled([...held.values()].map((lock) => lock.release()));
  if (failure !== undefined || refused.length > 0) {
    await releaseAll();
    if (failure !== undefined) throw failure;
    throw refusedError(unique, refused);
  }
  return {
    files: new Map(unique.map((t) => [t.id, claimFile(dir, t)])),
    lost: (id) => held.get(id)?.lost ?? false,
    async release() {
      await releaseAll();
    },
  };
}

/**
 * For the message of a refused run only: the entities after the first refused one whose claim
 * file names another process (read, never taken: taking them could refuse that process).
 */
async function claimedElsewhere(dir: string, rest: readonly ClaimTarget[]): Promise<HeldElsewhere[]> {
  const out: HeldElsewhere[] = [];
  for (const target of rest) {
    const file = claimFile(dir, target);
    const info = await readInfo(file);
    if (!info) continue;
    const modified = (await stat(file).catch(() => undefined))?.mtimeMs ?? Date.now();
    out.push({
      id: target.id,
      file,
      holder: { pid: info.pid, host: info.host, startedAt: info.startedAt, command: info.command },
      verified: false,
      heartbeatAgeMs: Math.max(0, Date.now() - modified),
      staleMs: info.staleMs ?? LOCK_DEFAULTS.staleMs,
    });
  }
  return out;
}

/** Lists this many of the entities a refused run could still run in its hint; past it, says how many. */
const LIST_OTHERS = 10;

function refusedError(all: readonly ClaimTarget[], refused: HeldElsewhere[]): HyggeError {
  refused.sort((a, b) => (a.id < b.id ? -1 : 1));
  const busy = new Set(refused.map((r) => r.id));
  const others = all.filter((t) => !busy.has(t.id)).map((t) => t.id);
  const lines = refused.map((r) => `  ${r.id}: held by ${describeHolder(r.holder)}`);
  const what = refused.length === 1 ? `entity ${refused[0]!.id} is` : `${refused.length} entities are`;
  const alsoBusy = refused.some((r) => !r.verified)
    ? ` ${refused
        .filter((r) => !r.verified)
        .map((r) => `${r.id}:${heartbeatNote(r)}`)
        .join(" ")}`
    : "";
  const rest =
    others.length === 0
      ? ""
      : others.length <= LIST_OTHERS
        ? ` To run the others now, add -e ${others.join(",")} to the same command (its other options kept)`
        : ` To run the ${others.length} others now, select them with -e/--entity.`;
  return new HyggeError(
    "LOCKED",
    `${what} being run by another hygge process; nothing was run\n${lines.join("\n")}`,
    {
      subject: refused.length === 1 ? refused[0]!.file : path.dirname(refused[0]!.file),
      hint: `Wait for that run to finish, then run again.${rest}${alsoBusy}`,
      details: { held: refused },
    },
  );
}
