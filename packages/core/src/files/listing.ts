import { stat } from "node:fs/promises";
import picomatch from "picomatch";
import type { Storage, StorageObject } from "../contracts/storage.js";
import { HyggeError } from "../errors.js";

const isMagic = (segment: string) => /[*?[]/.test(segment);

export const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Hidden and underscore entries are bookkeeping (hygge's .hygge, Spark's _temporary, _SUCCESS…). */
const hidden = (relative: string) => relative.split("/").some((s) => s.startsWith(".") || s.startsWith("_"));

/**
 * The files a home's `path` names, in byte-wise key order: the file itself; every file below a
 * folder, at any depth, whose name ends with one of `extensions`; or every file matching a glob.
 * A path that names nothing at all is an error (an existing empty folder is not).
 */
export async function listFiles(
  storage: Storage,
  path: string,
  extensions: readonly string[],
  plugin: string,
  signal?: AbortSignal,
): Promise<StorageObject[]> {
  const parts = path.split("/");
  const first = parts.findIndex(isMagic);
  if (first >= 0) {
    const root = parts.slice(0, first).join("/");
    const match = picomatch(parts.slice(first).join("/"), { dot: false });
    const prefix = root === "" ? "" : `${root}/`;
    const out: StorageObject[] = [];
    for await (const o of storage.list(prefix, signal)) {
      const rel = o.path.slice(prefix.length);
      if (!hidden(rel) && match(rel)) out.push(o);
    }
    if (out.length === 0 && !(await folderExists(storage, root, signal)))
      throw new HyggeError(
        "HOME_READ_FAILED",
        `${storage.url(root)} (the folder of glob ${storage.url(path)}) does not exist`,
        { plugin, subject: storage.url(path), hint: "check `path`" },
      );
    return out.sort((a, b) => byBytes(a.path, b.path));
  }
  const file = path === "" ? undefined : await storage.stat(path, signal);
  if (file) return [file];
  const prefix = path === "" ? "" : `${path}/`;
  const out: StorageObject[] = [];
  let any = false;
  for await (const o of storage.list(prefix, signal)) {
    any = true;
    const rel = o.path.slice(prefix.length);
    if (!hidden(rel) && extensions.some((e) => rel.endsWith(e))) out.push(o);
  }
  if (!any && !(await folderExists(storage, path, signal)))
    throw new HyggeError("HOME_READ_FAILED", `${storage.url(path)} does not exist`, {
      plugin,
      subject: storage.url(path),
      hint: "check `path` (relative paths start at the project folder)",
    });
  return out.sort((a, b) => byBytes(a.path, b.path));
}

/**
 * On the local disk a folder exists without files in it; on object storage a "folder" is only a
 * key prefix, so an empty one and a missing one are the same: absent.
 */
async function folderExists(storage: Storage, path: string, _signal?: AbortSignal): Promise<boolean> {
  if (!storage.capabilities.local || !storage.localPath) return false;
  const info = await stat(storage.localPath(path)).catch(() => undefined);
  return info?.isDirectory() ?? false;
}
