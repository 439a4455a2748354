import { link, lstat, mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Hard-link trees: how an incremental publish shows the old files and the run's new ones in one
 * rename. Only links are made or removed here, never file contents.
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

/**
 * Recreates the tree `from` inside `to`: folders are made, every other entry (files, symbolic
 * links, anything) is hard-linked, so both trees share the same inodes. Every folder made is
 * fsynced. Top-level names in `skip` (the run's own files) are left out: `reconcile` keeps such
 * an entry after the swap.
 */
export async function linkTree(from: string, to: string, skip: ReadonlySet<string> = new Set()): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target);
      await linkTree(source, target);
    } else await link(source, target);
  }
  await fsyncPath(to);
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
    const here = await lstat(source);
    if (entry.isDirectory() && there.isDirectory()) {
      moved.push(...(await reconcile(source, target, runId, new Set(), `${prefix}${entry.name}/`)));
      continue;
    }
    if (here.ino === there.ino && here.dev === there.dev) continue;
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

/**
 * True when the files of `folder` can be hard-linked into `staging` and `folder` can be renamed
 * (it is not a mount point). Probed with one real link, removed at once.
 */
export async function canSwap(folder: string, staging: string): Promise<boolean> {
  const info = await stat(folder).catch(() => undefined);
  if (!info) return true; // nothing to link: the publish is one rename
  const parent = await stat(dirname(folder));
  if (parent.dev !== info.dev) return false;
  const file = await firstFile(folder);
  if (!file) return true;
  const probe = join(staging, ".hygge-link-probe");
  try {
    await link(file, probe);
    await unlink(probe);
    return true;
  } catch {
    await unlink(probe).catch(() => undefined);
    return false;
  }
}

async function firstFile(dir: string): Promise<string | undefined> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (!entry.isDirectory()) return full;
    const inner = await firstFile(full);
    if (inner) return inner;
  }
  return undefined;
}
