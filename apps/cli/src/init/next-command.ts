import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where and how this `hygge` was started: the inputs of `hyggeCommand` (tests pass their own). */
export interface Invocation {
  env: NodeJS.ProcessEnv;
  /** The real path of the running bin.js. */
  bin: string;
  cwd: string;
  /** Real path of an executable named `hygge` on the user's PATH, if any (package managers' own bin folders excluded). */
  onPath?: string;
}

/** The running CLI's bin.js (dist/init/next-command.js → dist/bin.js), real path. */
export function runningBin(): string {
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "bin.js");
  try {
    return fs.realpathSync(bin);
  } catch {
    return bin;
  }
}

const NPX_CACHE = /[\\/]_npx[\\/]/;
const PM_BIN = /[\\/]node_modules[\\/]\.bin$|[\\/]_npx[\\/]|node-gyp-bin$/;

/**
 * The real path of the `hygge` the user's shell would find on PATH, skipping the folders a
 * package manager adds for the commands it runs (node_modules/.bin, npx's cache): those are not
 * on the user's PATH once the command is over.
 */
export function hyggeOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === "win32" ? ["hygge.cmd", "hygge.exe", "hygge"] : ["hygge"];
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir || PM_BIN.test(dir)) continue;
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.realpathSync(file);
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** A shell word: quoted when it holds anything a shell would split or expand. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

const realpath = (file: string) => {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
};

/** Whether a package.json script's command line starts this bin (`hygge …`, `node path/bin.js …`). */
function scriptRunsBin(script: string | undefined, bin: string, cwd: string): boolean {
  const words = (script ?? "")
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/^['"]|['"]$/g, ""));
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
  let first = words.shift();
  if (first === "node" || first?.endsWith(`${path.sep}node`)) {
    while (words[0]?.startsWith("-")) words.shift();
    first = words.shift();
  }
  if (!first) return false;
  if (first === "hygge") return true;
  return realpath(path.resolve(cwd, first)) === bin;
}

/** `pnpm <script>`, `npm run <script> --`, … when hygge runs as a package.json script; else undefined. */
function packageScript(inv: Invocation): string | undefined {
  const { env } = inv;
  const script = env.npm_lifecycle_event;
  if (!script || script === "npx" || !["run", "run-script"].includes(env.npm_command ?? "")) return undefined;
  if (!scriptRunsBin(env.npm_lifecycle_script, inv.bin, inv.cwd)) return undefined;
  const [agent = ""] = (env.npm_config_user_agent ?? "").split(" ");
  const [manager, version] = agent.split("/");
  if (manager === "pnpm") {
    // Started through `npx pnpm@…`: pnpm is not on the PATH, so the next command needs npx too.
    const viaNpx = NPX_CACHE.test(env.npm_execpath ?? "") && version;
    return viaNpx ? `npx --yes pnpm@${version} ${script}` : `pnpm ${script}`;
  }
  if (manager === "yarn") return `yarn ${script}`;
  if (manager === "bun") return `bun run ${script}`;
  return `npm run ${script} --`;
}

/**
 * The command that starts this same hygge again from `inv.cwd`, in the form that works there:
 * the package script it ran as, `npx @hygge/cli` (npx's temporary install), `hygge` (on PATH),
 * `npx hygge` (installed in a node_modules of this folder or a parent), or `node <bin.js>`.
 */
export function hyggeCommand(inv: Invocation): string {
  const script = packageScript(inv);
  if (script) return script;
  if (NPX_CACHE.test(inv.bin)) return "npx @hygge/cli";
  if (inv.onPath && inv.onPath === inv.bin) return "hygge";
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = inv.bin.indexOf(marker);
  if (at >= 0) {
    const owner = inv.bin.slice(0, at);
    const rel = path.relative(owner, inv.cwd);
    if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) return "npx hygge";
  }
  const rel = path.relative(inv.cwd, inv.bin);
  return `node ${shellWord(rel.startsWith("..") || path.isAbsolute(rel) ? inv.bin : rel)}`;
}

/** This process's invocation. */
export function currentInvocation(): Invocation {
  return { env: process.env, bin: runningBin(), cwd: process.cwd(), onPath: hyggeOnPath() };
}
