import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { CheckResult, RunType } from "../contracts/common.js";
import { describeError } from "../errors.js";
import { refuseForeign } from "./local/plan.js";
import type { FileNamer } from "./naming.js";
import type { PublishTarget } from "./publisher.js";

export interface StoreCheck {
  target: PublishTarget;
  runType?: RunType;
  replaceExisting: boolean;
  name: FileNamer;
  plugin: string;
}

/**
 * What a run of this store would fail on before writing anything (`hygge debug`): the destination
 * cannot be written (the nearest existing folder on the local disk, checked with the caller's own
 * permissions; a probe object under the bookkeeping prefix on object storage, created and removed),
 * or a full_drop would be refused for entries hygge did not publish.
 */
export async function checkFileStore(c: StoreCheck): Promise<CheckResult[]> {
  const { storage, folder, book, entity } = c.target;
  const subject = storage.url(folder.slice(0, -1));
  const results: CheckResult[] = [];
  if (storage.capabilities.local) {
    const path = storage.localPath!(folder.slice(0, -1));
    // Staging and the publish rename happen in the entity folder's parent, and in the folder itself.
    for (const dir of [await nearestFolder(dirname(path)), ...((await isFolder(path)) ? [path] : [])]) {
      try {
        await access(dir, constants.W_OK | constants.X_OK);
      } catch {
        results.push({
          ok: false,
          subject,
          message: `cannot write ${dir} (permission denied for this user)`,
          hint: "give the user that runs hygge write access to it, or point the store's path elsewhere",
        });
      }
    }
    if (results.length === 0 && c.runType) {
      try {
        await refuseForeign({
          folder: path,
          book: storage.localPath!(book.slice(0, -1)),
          entity,
          runType: c.runType,
          replaceExisting: c.replaceExisting,
          name: c.name,
          plugin: c.plugin,
        });
      } catch (error) {
        results.push(failure(subject, error));
      }
    }
  } else {
    const probe = `${book}probe-${randomUUID()}`;
    try {
      await storage.createIfAbsent(probe, new Uint8Array(0));
      await storage.delete(probe);
    } catch (error) {
      results.push(
        failure(subject, error, "check the connection's credentials and that they may write there"),
      );
    }
  }
  if (results.length === 0) results.push({ ok: true, subject, message: "destination writable" });
  return results;
}

function failure(subject: string, error: unknown, fallback?: string): CheckResult {
  const hint = (error as { hint?: unknown })?.hint;
  return {
    ok: false,
    subject,
    message: describeError(error).split("\n")[0]!,
    hint: typeof hint === "string" ? hint : fallback,
  };
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function nearestFolder(path: string): Promise<string> {
  let dir = path;
  while (!(await isFolder(dir))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}
