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

/** Runs `work` on every item, at most `limit` at a time (file system calls queue on libuv's pool). */
async function each<T>(items: readonly T[], work: (item: T) => Promise<unknown>, limit = 32): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

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
  const want = (await readdir(from, { withFileTypes: true })).filter((e) => !own.has(e.name));
  const wanted = new Map(want.map((e) => [e.name, e.isDirectory()]));
  const have = new Map(
    (await readdir(to, { withFileTypes: true }))
      .filter((e) => !own.has(e.name))
      .map((e) => [e.name, e.isDirectory()]),
  );
  const gone = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";
  await each([...have], async ([name, dir]) => {
    const stale =
      wanted.get(name) !== dir ||
      (!dir &&
        !(await Promise.all([lstat(join(from, name)), lstat(join(to, name))]).then(
          ([a, b]) => same(a, b),
          (error: unknown) => !gone(error) && Promise.reject(error),
        )));
    if (stale) {
      await rm(join(to, name), { recursive: true, force: true });
      have.delete(name);
    }
  });
  await each(want, async (entry) => {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    try {
      if (entry.isDirectory()) {
        if (!have.has(entry.name)) await mkdir(target);
        await mirrorTree(source, target, new Set(), strict);
        await copyAttributes(source, target, true, strict);
      } else if (!have.has(entry.name)) await link(source, target);
    } catch (error) {
      // An entry deleted meanwhile needs no link; any other failure is the caller's with `strict`.
      if (strict && !gone(error)) throw error;
    }
  });
  await fsyncPath(to);
}

/**
 * Gives folder `to` the mode and owner, and with `times` the times, of folder `from`. An owner
 * this user may not give is an error with `strict` (the copy would change who owns the folder).
 */
export async function copyAttributes(
  from: string,
  to: string,
  times: boolean,
  strict = false,
): Promise<void> {
  const info = await stat(from);
  await chmod(to, info.mode & 0o7777);
  await chown(to, info.uid, info.gid).catch((error: unknown) => {
    if (strict) throw error;
  });
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
  const present = new Map(
    (await readdir(into, { withFileTypes: true })).map((e) => [e.name, e.isDirectory()]),
  );
  await each(await readdir(old, { withFileTypes: true }), async (entry) => {
    const source = join(old, entry.name);
    const target = join(into, entry.name);
    const there = present.get(entry.name);
    if (there === undefined) {
      await rename(source, target);
      moved.push(prefix + entry.name);
    } else if (entry.isDirectory() && there && !own.has(entry.name)) {
      moved.push(...(await reconcile(source, target, runId, new Set(), `${prefix}${entry.name}/`)));
    } else if (!same(await lstat(source), await lstat(target))) {
      if (own.has(entry.name) || entry.isDirectory() || there) {
        const kept = `${entry.name}.hygge-kept-${runId}`;
        await rename(source, join(into, kept));
        moved.push(prefix + kept);
      } else {
        await rename(source, target); // a newer version of an old file: it replaces the stale link
        moved.push(prefix + entry.name);
      }
    }
  });
  if (moved.length > 0) await fsyncPath(into);
  return moved.sort();
}

/** True when `folder` is on another file system than its parent: nothing can be renamed into or over it. */
export async function isMountPoint(folder: string): Promise<boolean> {
  const info = await stat(folder).catch(() => undefined);
  return info !== undefined && info.dev !== (await stat(dirname(folder))).dev;
}
