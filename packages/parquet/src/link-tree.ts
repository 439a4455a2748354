import type { Stats } from "node:fs";
import { chmod, chown, link, lstat, mkdir, open, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Hard-link trees: how an incremental publish shows the old files and the run's new ones in one
 * rename. Only links and folders are made or removed here, never file contents, and only inside
 * hygge's private staging folder or by moving entries (never deleting them) into the published one.
 */

export const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const same = (a: Stats, b: Stats) => a.ino === b.ino && a.dev === b.dev;

/**
 * Makes the private tree `to` mirror `from`: folders are made (with the mode, owner and times of
 * the original), every other entry (files, symbolic links, anything) is hard-linked, so both trees
 * share the same inodes; entries of `to` that `from` no longer has (or has as another inode) are
 * removed first: they are links hygge made earlier. Top-level names in `own` (the run's new files)
 * are never touched. With `strict`, a link that cannot be made is an error; otherwise it is left
 * out (`reconcile` moves that entry over after the swap). Every folder of `to` is fsynced.
 */
export async function mirrorTree(
  from: string,
  to: string,
  own: ReadonlySet<string>,
  strict: boolean,
): Promise<void> {
  const want = new Map((await readdir(from, { withFileTypes: true })).map((e) => [e.name, e.isDirectory()]));
  for (const entry of await readdir(to, { withFileTypes: true })) {
    if (own.has(entry.name)) continue;
    const dir = want.get(entry.name);
    const stale =
      dir === undefined ||
      dir !== entry.isDirectory() ||
      (!dir && !same(await lstat(join(from, entry.name)), await lstat(join(to, entry.name))));
    if (stale) await rm(join(to, entry.name), { recursive: true, force: true });
  }
  for (const [name, dir] of want) {
    if (own.has(name)) continue;
    const source = join(from, name);
    const target = join(to, name);
    try {
      if (dir) {
        if (!(await exists(target))) await mkdir(target);
        await mirrorTree(source, target, new Set(), strict);
        await copyAttributes(source, target, true);
      } else if (!(await exists(target))) await link(source, target);
    } catch (error) {
      if (strict) throw error;
    }
  }
  await fsyncPath(to);
}

/** Gives folder `to` the mode and owner (where allowed), and with `times` the times, of folder `from`. */
export async function copyAttributes(from: string, to: string, times: boolean): Promise<void> {
  const info = await stat(from);
  await chmod(to, info.mode & 0o7777);
  await chown(to, info.uid, info.gid).catch(() => undefined);
  if (times) await utimes(to, info.atime, info.mtime);
}

/** Removes everything in the private folder `to` except the run's own files. */
export async function clearLinks(to: string, own: ReadonlySet<string>): Promise<void> {
  for (const name of await readdir(to))
    if (!own.has(name)) await rm(join(to, name), { recursive: true, force: true });
}

/**
 * Puts back into `into` every entry of `old` (the folder a publish moved aside) that `into` lacks
 * or holds as another inode: entries someone added or replaced in the old folder after its links
 * were made. Afterwards every entry left below `old` is also below `into`, so `old` can be deleted
 * without deleting anything. A name that collides with one of the run's own files (`own`) is kept
 * under `<name>.hygge-kept-<runId>`. Returns the names moved (relative to `into`).
 */
export async function reconcile(
  old: string,
  into: string,
  runId: string,
  own: ReadonlySet<string> = new Set(),
  prefix = "",
): Promise<string[]> {
  const moved: string[] = [];
  for (const entry of await readdir(old, { withFileTypes: true })) {
    const source = join(old, entry.name);
    const target = join(into, entry.name);
    const there = await lstat(target).catch(() => undefined);
    if (there === undefined) {
      await rename(source, target);
      moved.push(prefix + entry.name);
      continue;
    }
    if (entry.isDirectory() && there.isDirectory() && !own.has(entry.name)) {
      moved.push(...(await reconcile(source, target, runId, new Set(), `${prefix}${entry.name}/`)));
      continue;
    }
    if (same(await lstat(source), there)) continue;
    if (own.has(entry.name) || entry.isDirectory() || there.isDirectory()) {
      const kept = `${entry.name}.hygge-kept-${runId}`;
      await rename(source, join(into, kept));
      moved.push(prefix + kept);
    } else {
      await rename(source, target); // a newer version of an old file: it replaces the stale link
      moved.push(prefix + entry.name);
    }
  }
  if (moved.length > 0) await fsyncPath(into);
  return moved;
}

/** True when `folder` is on another file system than its parent: nothing can be renamed into or over it. */
export async function isMountPoint(folder: string): Promise<boolean> {
  const info = await stat(folder).catch(() => undefined);
  return info !== undefined && info.dev !== (await stat(dirname(folder))).dev;
}
