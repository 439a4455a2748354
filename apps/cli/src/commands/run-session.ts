import path from "node:path";
import { acquireLock, FileJournal, type RunJournal } from "@hygge/core";
import { redactText } from "../io.js";
import type { ProjectSetup } from "./setup.js";

/** What a run holds while it runs: the journal it records into and the project lock. */
export interface RunSession {
  journal?: RunJournal;
  release(): Promise<void>;
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
export async function openRunSession(setup: ProjectSetup, options: { lock: boolean }): Promise<RunSession> {
  const journal = openJournal(setup);
  if (!options.lock) return { journal, async release() {} };
  const lockDir = stateDir(setup) ?? path.resolve(setup.project.projectDir, ".hygge");
  // The lock file is readable by others and shown in their LOCKED errors: never put a secret in it.
  const lock = await acquireLock(lockDir, redactText(`hygge ${process.argv.slice(2).join(" ")}`));
  return { journal, release: () => lock.release() };
}
