// Test support: lets the test suites run programs as an unprivileged user (`nobody` for hygge, `postgres`
// for the embedded server) wherever the checkout sits, including a folder only root can enter (a clone
// in /root, a `mktemp -d` folder). What that user needs is put in a fresh temp folder everyone can enter:
// files the user could already read are hard-linked (instant), the rest are copied world-readable.
// Symbolic links are kept as they are, so relative links (pnpm's node_modules) keep working when the
// layout around them is copied along.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const isRoot = () => process.getuid?.() === 0;

/** The uid and gid of a local user, or undefined when there is no such user. */
export function userIds(user) {
  const id = (flag) => spawnSync("id", [flag, user], { encoding: "utf8" });
  const uid = id("-u");
  const gid = id("-g");
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** True when `user` passes `test <flag> file` (every folder above it included); always true unless root. */
export function userCan(user, flag, file) {
  if (!isRoot()) return true;
  const ids = userIds(user);
  if (!ids) throw new Error(`there is no user "${user}" on this machine`);
  const argv = [`--reuid=${ids.uid}`, `--regid=${ids.gid}`, "--clear-groups", "test", flag, file];
  return spawnSync("setpriv", argv).status === 0;
}

/** A fresh folder under the system temp folder that every user can enter and read (0755). */
export function readableTempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Creates `dir` and any missing folder above it, each 0755 whatever the umask. */
export function mkdirReadable(dir) {
  if (fs.existsSync(dir)) return;
  mkdirReadable(path.dirname(dir));
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o755);
}

const worldReadable = (mode) => (mode & 0o004) !== 0 && ((mode & 0o100) === 0 || (mode & 0o001) !== 0);

/**
 * Puts `from` (file, folder or symbolic link) at `to` so that every user can read it, and run it when its
 * owner can: folders are created 0755, files already readable by all are hard-linked, other files (and
 * every file when linking is impossible, e.g. across file systems) are copied 0644 or 0755. Entries of
 * folders whose name `skip` accepts are left out.
 */
export function placeReadable(from, to, skip = () => false) {
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) {
    try {
      fs.symlinkSync(fs.readlinkSync(from), to);
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
  } else if (stat.isDirectory()) {
    mkdirReadable(to);
    for (const name of fs.readdirSync(from)) {
      if (!skip(name)) placeReadable(path.join(from, name), path.join(to, name), skip);
    }
  } else {
    if (worldReadable(stat.mode)) {
      try {
        fs.linkSync(from, to);
        return;
      } catch {
        // another file system, or links refused: copy instead
      }
    }
    fs.copyFileSync(from, to);
    fs.chmodSync(to, stat.mode & 0o100 ? 0o755 : 0o644);
  }
}

const dependencyNames = (pkg) => {
  const optionalPeers = new Set(
    Object.entries(pkg.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta?.optional)
      .map(([name]) => name),
  );
  return [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}).filter((name) => !optionalPeers.has(name)),
  ];
};

/** Where Node looks for `name` from inside the package folder `real`: the first candidate that exists. */
function findInstalled(real, name, root) {
  for (let dir = real; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== "node_modules") {
      const candidate = path.join(dir, "node_modules", name);
      if (fs.existsSync(candidate)) return candidate;
    }
    if (dir === root || path.dirname(dir) === dir) return undefined;
  }
}

/** Files Node never loads: TypeScript sources and declarations, source maps, docs. */
const notRuntime = (name) => /\.(d\.)?[mc]?ts$|\.map$|\.md$/i.test(name);

/**
 * Copies what running the built CLI of the pnpm workspace at `repoRoot` needs into a fresh folder every
 * user can read, keeping the checkout's layout: the CLI package, `extra` packages it finds next to itself
 * (first-party plugins it does not depend on), and everything they depend on at run time, found the way
 * Node finds it (optional peers, type declarations, source maps and docs are left out). Returns the
 * folder, the CLI's bin file in it, and how long the copy took.
 */
export function readableWorkspaceCopy({ repoRoot, cliDir = "apps/cli", bin = "dist/bin.js", extra = [] }) {
  const started = performance.now();
  const root = fs.realpathSync(repoRoot);
  const dir = readableTempDir("hygge-readable-");
  const target = (p) => path.join(dir, path.relative(root, p));
  const done = new Set();
  const visit = (real, names) => {
    if (done.has(real)) return;
    done.add(real);
    const rel = path.relative(root, real);
    if (rel.startsWith("..") || path.isAbsolute(rel)) {
      throw new Error(`${real} is outside the checkout ${root}; the readable copy cannot include it`);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(real, "package.json"), "utf8"));
    mkdirReadable(target(real));
    if (rel.split(path.sep).includes("node_modules")) {
      // An installed package: all of it.
      placeReadable(real, target(real), notRuntime);
    } else {
      // A workspace package: package.json and its published files.
      placeReadable(path.join(real, "package.json"), target(path.join(real, "package.json")));
      for (const file of pkg.files ?? []) {
        const full = path.join(real, file);
        if (fs.existsSync(full)) placeReadable(full, target(full), notRuntime);
      }
    }
    for (const name of new Set([...dependencyNames(pkg), ...names])) {
      const found = findInstalled(real, name, root);
      if (!found) continue;
      if (fs.lstatSync(found).isSymbolicLink()) {
        mkdirReadable(path.dirname(target(found)));
        placeReadable(found, target(found));
      }
      visit(fs.realpathSync(found), []);
    }
  };
  const cli = path.join(root, cliDir);
  visit(cli, extra);
  return { dir, bin: target(path.join(cli, bin)), ms: Math.round(performance.now() - started) };
}

/**
 * The node binary `user` can run: this process's own when the user can reach it, else a copy in `dir`.
 */
export function nodeFor(user, dir) {
  if (userCan(user, "-x", process.execPath)) return process.execPath;
  const copy = path.join(dir, "node");
  placeReadable(process.execPath, copy);
  return copy;
}

/** Removes a folder made by this module. */
export function removeReadable(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}
