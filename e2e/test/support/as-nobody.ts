import {
  nodeFor,
  readableWorkspaceCopy,
  removeReadable,
} from "../../../scripts/test-support/unprivileged.mjs";
import { repoRoot } from "./cli.js";

// The "as nobody" cases run the built CLI as `nobody`, who cannot enter a checkout that sits in a folder
// only root can enter (a clone in /root, a `mktemp -d` folder). So they run a copy of it (the CLI, the
// packages it loads and node itself when needed) in a temp folder nobody can read, made once per test
// file: the same code, reachable from anywhere.

let copy: { dir: string; bin: string; node: string } | undefined;

/** The node binary and CLI entry point `nobody` can run. */
export function nobodyCli(): { node: string; bin: string } {
  if (!copy) {
    const made = readableWorkspaceCopy({ repoRoot });
    copy = { ...made, node: nodeFor("nobody", made.dir) };
  }
  return copy;
}

/** Removes the copy (call in afterAll). */
export function removeNobodyCli(): void {
  if (copy) removeReadable(copy.dir);
  copy = undefined;
}
