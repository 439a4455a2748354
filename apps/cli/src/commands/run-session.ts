import { readFileSync } from "node:fs";
import path from "node:path";
import { acquireLock, FileJournal, HyggeError, type RunJournal } from "@hygge/core";
import { redactText } from "../io.js";
import type { ProjectSetup } from "./setup.js";

/** What a run holds while it runs: the journal it records into and the project lock. */
export interface RunSession {
  journal?: RunJournal;
  release(): Promise<void>;
}

export interface RunSessionOptions {
  lock: boolean;
  /**
   * Called once if the project lock stops being this run's while it runs (the lock file was
   * removed, or taken over by another process after this one's heartbeat went stale), with a
   * LOCKED error to abort the run with: two runs must never keep writing the same project.
   */
  onLockLost?: (error: HyggeError) => void;
}

/** The project's state folder (journal and lock): `journal.path`, `.hygge` by default, or none with `journal: false`. */
export function stateDir(setup: ProjectSetup): string | undefined {
  const journal = setup.project.config.journal;
  if (journal === false) return undefined;
  return path.resolve(setup.project.projectDir, journal?.path ?? ".hygge");
}

export function openJournal(setup: ProjectSetup): FileJournal | undefined {
  const dir = stateDir(setup);
  return dir ? new FileJournal(dir, redactText) : undefined;
}

/**
 * The one place where the journal and the project lock plug into `hygge go`. `lock: false` for
 * --dry-run, which only reads the journal's resume points and creates no file. With
 * `journal: false` there is no journal, but the lock still lives in `.hygge/`.
 */
export async function openRunSession(setup: ProjectSetup, options: RunSessionOptions): Promise<RunSession> {
  const journal = openJournal(setup);
  if (!options.lock) return { journal, async release() {} };
  const lockDir = stateDir(setup) ?? path.resolve(setup.project.projectDir, ".hygge");
  const file = path.join(lockDir, "lock");
  // The lock file is readable by others and shown in their LOCKED errors: never put a secret in it.
  const lock = await acquireLock(lockDir, redactText(`hygge ${process.argv.slice(2).join(" ")}`), {
    onLost: (reason) => options.onLockLost?.(lockLostError(file, reason)),
  });
  return { journal, release: () => lock.release() };
}

/** The error a run is aborted with once its project lock is gone: what happened, who holds it now, what to do. */
export function lockLostError(file: string, reason: string): HyggeError {
  const holder = currentHolder(file);
  const taken = /^taken over by /.test(reason);
  return new HyggeError(
    "LOCKED",
    `the project lock was lost while this run was writing (${reason}${taken && holder ? `: ${holder}` : ""}); stopping so that two runs never write the same project`,
    {
      subject: file,
      hint: taken
        ? "Another hygge run now holds this project: let it finish, then run again. Nothing was published by the entities stopped here."
        : "Something removed the lock file while hygge ran (do not delete .hygge/lock by hand while a run is going). Nothing was published by the entities stopped here: run again.",
    },
  );
}

/** Best effort, for the message only: the command the new holder of the lock runs (already redacted by it). */
function currentHolder(file: string): string | undefined {
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as { command?: unknown };
    return typeof info?.command === "string" ? info.command : undefined;
  } catch {
    return undefined;
  }
}
