import { join } from "node:path";
import type { Logger, RunType } from "../../contracts/common.js";
import { HyggeError } from "../../errors.js";
import { byBytes } from "../listing.js";
import type { FileNamer } from "../naming.js";
import { entriesOf, foreignEntries, foreignRefused, hyggeFiles } from "./foreign.js";
import { type Intent, readState } from "./intent.js";
import { clearLinks, exists, isMountPoint, mirrorTree } from "./link-tree.js";

/** What `open()` checks before it creates anything: a refused run leaves the disk as it was. */
export interface OpenChecks {
  folder: string;
  book: string;
  entity: string | undefined;
  runType: RunType;
  replaceExisting: boolean;
  name: FileNamer;
  plugin: string;
}

/** A folder on another file system than its parent can be neither renamed nor renamed into. */
export async function refuseMountPoint(
  folder: string,
  entity: string | undefined,
  plugin: string,
): Promise<void> {
  if (await isMountPoint(folder))
    throw new HyggeError(
      "CONFIG_INVALID",
      `${folder} is a mount point: hygge stages next to it and publishes by renaming, which cannot cross file systems`,
      {
        plugin,
        entity,
        subject: folder,
        hint: "point the store's path at a folder inside the mounted file system (e.g. <mount>/lake)",
      },
    );
}

/** A full_drop refuses entries hygge did not publish unless `replace_existing` allows it. */
export async function refuseForeign(c: OpenChecks): Promise<void> {
  if (c.runType !== "full_drop" || c.replaceExisting) return;
  const entries = await entriesOf(c.folder);
  const stored = await readState(c.book);
  const foreign = foreignEntries(entries, hyggeFiles(stored, entries, c.name));
  if (foreign.length > 0) throw foreignRefused(c.folder, c.entity, foreign, stored === undefined, c.plugin);
}

/** New incremental names must sort after every data file (of the format's extensions) already there. */
export function refuseUnsortable(
  folder: string,
  first: string,
  existing: readonly string[],
  extensions: readonly string[],
  plugin: string,
): void {
  const last = existing
    .filter((f) => extensions.some((e) => f.endsWith(e)))
    .sort(byBytes)
    .at(-1);
  if (last !== undefined && byBytes(first, last) <= 0)
    throw new HyggeError(
      "STORE_WRITE_FAILED",
      `new files (${first}) would not sort after ${join(folder, last)}`,
      {
        plugin,
        subject: folder,
        hint: "use a file_name pattern that starts with {seq} or {run}, or move the odd file away",
      },
    );
}

export interface PlanInput {
  folder: string;
  book: string;
  staging: string;
  entity: string | undefined;
  runType: RunType;
  /** This run's staged files. */
  files: string[];
  name: FileNamer;
  replaceExisting: boolean;
  logger: Logger;
  plugin: string;
}

/**
 * The parts of the intent that depend on what the folder holds right before the commit point:
 * a full_drop checks again for entries dropped in during the run and lists what it may replace;
 * an incremental run links the folder's entries into staging so that one rename publishes it.
 */
export async function planPublish(p: PlanInput): Promise<Pick<Intent, "replace" | "published" | "mode">> {
  const entries = await entriesOf(p.folder);
  const ours = hyggeFiles(await readState(p.book), entries, p.name);
  if (p.runType === "full_drop") {
    const foreign = foreignEntries(entries, ours);
    if (foreign.length > 0 && !p.replaceExisting)
      throw foreignRefused(p.folder, p.entity, foreign, false, p.plugin, true);
    return { replace: entries.map((e) => e.name), published: p.files };
  }
  const published = [...entries.filter((e) => ours.has(e.name)).map((e) => e.name), ...p.files];
  return { published, mode: await linkOldFiles(p) };
}

/**
 * An incremental run is published by one rename of its staging folder over the entity folder, so
 * staging must also hold every entry of the folder: hard links, made here before the commit point.
 * Where that is impossible (a file system without hard links, or entries this user may not link)
 * the new files are renamed in one at a time instead, and the warning says so.
 */
async function linkOldFiles(p: PlanInput): Promise<"swap" | "files"> {
  const own = new Set(p.files);
  if (p.files.length === 0 || !(await exists(p.folder))) return "swap";
  try {
    await mirrorTree(p.folder, p.staging, own, true);
    return "swap";
  } catch (error) {
    await clearLinks(p.staging, own);
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    p.logger.warn(
      `${p.folder}: its entries cannot be hard-linked (${why}); the ${p.files.length} new files are renamed in one at a time, so until the last rename a reader may see part of this run`,
    );
    return "files";
  }
}
