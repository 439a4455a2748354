import type { Storage } from "../../contracts/storage.js";
import { HyggeError } from "../../errors.js";
import type { FileNamer } from "../naming.js";
import { byBytes } from "./records.js";

const SHOWN = 5;

/** The refusal of a full_drop that would replace objects hygge did not write (same words as on disk). */
export function foreignRefused(
  storage: Storage,
  folder: string,
  entity: string | undefined,
  foreign: string[],
  neverPublished: boolean,
  during = false,
): HyggeError {
  const where = storage.url(folder);
  const shown =
    foreign.slice(0, SHOWN).join(", ") +
    (foreign.length > SHOWN ? `, … (${foreign.length - SHOWN} more)` : "");
  const what = `${foreign.length} ${foreign.length === 1 ? "entry" : "entries"} hygge did not publish (${shown})`;
  const why = during
    ? `${what} appeared in ${where} during the run`
    : neverPublished
      ? `${where} already holds ${what}, and hygge has never published there`
      : `${where} holds ${what} next to hygge's files`;
  return new HyggeError("STORE_WRITE_FAILED", `${why}; a full_drop would replace the whole folder`, {
    entity,
    subject: where,
    details: { folder: where, foreign },
    hint: "move them out of the folder, or set `replace_existing: true` on the store to let this full_drop replace them (nothing was changed)",
  });
}

/**
 * New incremental names must sort after every existing file of the same kind (the pattern's, or
 * the same extension), so readers that list in order see the runs in order.
 */
export function refuseUnsortable(
  storage: Storage,
  folder: string,
  first: string,
  existing: readonly string[],
  name: FileNamer,
): void {
  const ext = first.includes(".") ? first.slice(first.lastIndexOf(".")) : undefined;
  const last = existing
    .filter((n) => name.matches(n) || (ext !== undefined && n.endsWith(ext)))
    .sort(byBytes)
    .at(-1);
  if (last !== undefined && byBytes(first, last) <= 0)
    throw new HyggeError(
      "STORE_WRITE_FAILED",
      `new files (${first}) would not sort after ${storage.url(folder + last)}`,
      {
        subject: storage.url(folder),
        hint: "use a file_name pattern that starts with {seq} or {run}, or move the odd file away",
      },
    );
}

/** Objects a run would overwrite that are not hygge's: never replaced silently. */
export function refuseOverwrite(storage: Storage, folder: string, names: string[]): void {
  if (names.length === 0) return;
  throw new HyggeError(
    "STORE_WRITE_FAILED",
    `${names.length} objects hygge did not publish appeared in ${storage.url(folder)} under this run's names (${names.slice(0, SHOWN).join(", ")}); nothing was published`,
    { subject: storage.url(folder), hint: "move them away and run again" },
  );
}
