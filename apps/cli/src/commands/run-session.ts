import { readFileSync } from "node:fs";
import path from "node:path";
import { type ClaimTarget, claimEntities, FileJournal, HyggeError, type RunJournal } from "@hygge/core";
import { redactText } from "../io.js";
import type { ProjectSetup } from "./setup.js";

/** What a run holds while it runs: the journal it records into and its claims on the entities it runs. */
export interface RunSession {
  journal?: RunJournal;
  release(): Promise<void>;
}

export interface RunSessionOptions {
  /** The entities the run claims before it starts any; none (--dry-run) takes no claim. */
  claim?: readonly ClaimTarget[];
  /**
   * Called once per entity whose claim stops being this run's while it runs (the claim file was
   * removed, or taken over by another process after this one's heartbeat went stale), with a
   * LOCKED error to abort that entity with: two runs must never write the same entity.
   */
  onClaimLost?: (target: ClaimTarget, error: HyggeError) => void;
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
 * The one place where the journal and the entity claims plug into `hygge go`. Without `claim`
 * (--dry-run) nothing is claimed and no file is created: the run only reads the journal's resume
 * points. With `journal: false` there is no journal, but the claims still live in `.hygge/locks/`.
 * Claims are per (flow, entity), not per project: two runs of different entities (two cron jobs
 * of two flows) run side by side; a run that selects an entity another run holds is refused
 * whole, before it starts anything (claimEntities).
 */
export async function openRunSession(setup: ProjectSetup, options: RunSessionOptions): Promise<RunSession> {
  const journal = openJournal(setup);
  const lockDir = stateDir(setup) ?? path.resolve(setup.project.projectDir, ".hygge");
  if (!options.claim) return { journal, async release() {} };
  // Claim files are readable by others and shown in their LOCKED errors: never put a secret in one.
  const claims = await claimEntities(lockDir, options.claim, {
    command: redactText(`hygge ${process.argv.slice(2).join(" ")}`),
    onLost: (target, file, reason) => options.onClaimLost?.(target, claimLostError(target, file, reason)),
  });
  return { journal, release: () => claims.release() };
}

/** The error an entity is aborted with once its claim is gone: what happened, who holds it now, what to do. */
export function claimLostError(target: ClaimTarget, file: string, reason: string): HyggeError {
  const holder = currentHolder(file);
  const taken = /^taken over by /.test(reason);
  return new HyggeError(
    "LOCKED",
    `the claim on entity ${target.id} was lost while this run was writing it (${reason}${taken && holder ? `: ${holder}` : ""}); stopping it so that two runs never write the same entity`,
    {
      subject: file,
      hint: taken
        ? `Another hygge run now holds ${target.id}: let it finish, then run again. Nothing was published by the entity stopped here.`
        : `Something removed the claim file while hygge ran (do not delete files under .hygge/locks/ by hand while a run is going). Nothing was published by the entity stopped here: run again.`,
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
