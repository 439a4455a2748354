import { readdir } from "node:fs/promises";
import { HyggeError } from "../../errors.js";
import type { FileNamer } from "../naming.js";
import type { StoredState } from "./intent.js";

const SHOWN = 5;

export interface Entry {
  name: string;
  dir: boolean;
}

/** The entries directly inside `folder` (none when it does not exist). */
export async function entriesOf(folder: string): Promise<Entry[]> {
  try {
    return (await readdir(folder, { withFileTypes: true }))
      .map((e) => ({ name: e.name, dir: e.isDirectory() }))
      .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/**
 * The names in `entries` hygge published: the file list of its state; for a state written by a
 * hygge that kept no list, the plain files named by the `file_name` pattern; with no state at all,
 * nothing (hygge has never published this folder).
 */
export function hyggeFiles(stored: StoredState | undefined, entries: Entry[], namer: FileNamer): Set<string> {
  if (!stored) return new Set();
  if (stored.files) {
    const recorded = new Set(stored.files);
    return new Set(entries.filter((e) => !e.dir && recorded.has(e.name)).map((e) => e.name));
  }
  return new Set(entries.filter((e) => !e.dir && namer.matches(e.name)).map((e) => e.name));
}

/** Entries hygge did not publish, sub-folders and hidden files included. */
export function foreignEntries(entries: Entry[], ours: ReadonlySet<string>): Entry[] {
  return entries.filter((e) => !ours.has(e.name));
}

/** The refusal of a full_drop that would replace entries hygge did not write. */
export function foreignRefused(
  folder: string,
  entity: string | undefined,
  foreign: Entry[],
  neverPublished: boolean,
  plugin: string,
  during = false,
): HyggeError {
  const names = foreign.map((e) => (e.dir ? `${e.name}/` : e.name));
  const shown =
    names.slice(0, SHOWN).join(", ") + (names.length > SHOWN ? `, … (${names.length - SHOWN} more)` : "");
  const what = `${foreign.length} ${foreign.length === 1 ? "entry" : "entries"} hygge did not publish (${shown})`;
  const why = during
    ? `${what} appeared in ${folder} during the run`
    : neverPublished
      ? `${folder} already holds ${what}, and hygge has never published there`
      : `${folder} holds ${what} next to hygge's files`;
  return new HyggeError("STORE_WRITE_FAILED", `${why}; a full_drop would replace the whole folder`, {
    plugin,
    entity,
    subject: folder,
    details: { folder, foreign: names },
    hint: "move them out of the folder, or set `replace_existing: true` on the store to let this full_drop replace them (nothing was changed)",
  });
}
