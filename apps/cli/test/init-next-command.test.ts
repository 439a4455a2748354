import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { hyggeCommand, hyggeOnPath, type Invocation, shellWord } from "../src/init/next-command.js";
import { BIN, REPO } from "./helpers.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-next-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const bin = fs.realpathSync(BIN);
const PNPM_UA = "pnpm/10.34.8 npm/? node/v20.20.2 linux x64";

/** The environment without what a package manager sets: the test does not depend on how jest was started. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|PNPM_|INIT_CWD$|FORCE_COLOR$)/i.test(k)),
  );
  return { ...env, NO_COLOR: "1", ...extra };
}

const inv = (over: Partial<Invocation> & { env?: NodeJS.ProcessEnv }): Invocation => ({
  env: {},
  bin,
  cwd: REPO,
  ...over,
});

/** A file standing for @hygge/cli's bin.js installed under `root`/node_modules. */
function installedBin(root: string): string {
  const file = path.join(root, "node_modules", "@hygge", "cli", "dist", "bin.js");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "");
  return fs.realpathSync(file);
}

describe("the command init suggests starts the same hygge again", () => {
  test("as the package script it ran as (pnpm through npx, pnpm, npm, yarn)", () => {
    const script = {
      npm_lifecycle_event: "hygge",
      npm_command: "run-script",
      npm_lifecycle_script: "node apps/cli/dist/bin.js init my-project",
      npm_config_user_agent: PNPM_UA,
    };
    const viaNpx = { ...script, npm_execpath: "/root/.npm/_npx/a06d2b/node_modules/pnpm/bin/pnpm.cjs" };
    expect(hyggeCommand(inv({ env: viaNpx }))).toBe("npx --yes pnpm@10.34.8 hygge");
    expect(
      hyggeCommand(inv({ env: { ...script, npm_execpath: "/usr/lib/node_modules/pnpm/bin/pnpm.cjs" } })),
    ).toBe("pnpm hygge");
    const npm = {
      ...script,
      npm_command: "run",
      npm_config_user_agent: "npm/11.19.1 node/v20.20.2 linux x64",
    };
    expect(hyggeCommand(inv({ env: npm }))).toBe("npm run hygge --");
    expect(hyggeCommand(inv({ env: { ...npm, npm_config_user_agent: "yarn/1.22.22 npm/? node/v20" } }))).toBe(
      "yarn hygge",
    );
    // A script `"etl": "hygge"` counts too; a script running something else (jest spawning hygge) does not.
    expect(
      hyggeCommand(inv({ env: { ...npm, npm_lifecycle_event: "etl", npm_lifecycle_script: "hygge" } })),
    ).toBe("npm run etl --");
    const jest = {
      ...script,
      npm_lifecycle_event: "test",
      npm_lifecycle_script: "node --experimental-vm-modules ../../node_modules/jest/bin/jest.js",
    };
    expect(hyggeCommand(inv({ env: jest }))).toBe("node apps/cli/dist/bin.js");
  });

  test("npx hygge for a local install (from its folder or below), npx @hygge/cli from npx's cache", () => {
    const app = path.join(tmp, "app");
    const local = installedBin(app);
    fs.mkdirSync(path.join(app, "sub"), { recursive: true });
    const npx = { npm_lifecycle_event: "npx", npm_command: "exec" };
    expect(hyggeCommand(inv({ env: npx, bin: local, cwd: app }))).toBe("npx hygge");
    expect(hyggeCommand(inv({ env: {}, bin: local, cwd: path.join(app, "sub") }))).toBe("npx hygge");
    // From outside the folder that installed it, npx would not find it.
    expect(hyggeCommand(inv({ env: {}, bin: local, cwd: tmp }))).toBe(
      "node app/node_modules/@hygge/cli/dist/bin.js",
    );
    expect(hyggeCommand(inv({ env: {}, bin: local, cwd: path.join(tmp, "elsewhere") }))).toBe(
      `node ${local}`,
    );
    const cached = "/root/.npm/_npx/5f3a/node_modules/@hygge/cli/dist/bin.js";
    expect(hyggeCommand(inv({ env: npx, bin: cached, cwd: tmp }))).toBe("npx @hygge/cli");
  });

  test("hygge when the hygge on the user's PATH is this one (a global install)", () => {
    const globalBin = installedBin(path.join(tmp, "usr", "lib"));
    fs.chmodSync(globalBin, 0o755);
    const global = path.join(tmp, "usr", "bin");
    fs.mkdirSync(global, { recursive: true });
    fs.symlinkSync(globalBin, path.join(global, "hygge"));
    expect(hyggeOnPath({ PATH: ["/nonexistent", global].join(path.delimiter) })).toBe(globalBin);
    // The folders package managers put on PATH for their own commands are not the user's PATH.
    const pmBin = path.join(tmp, "proj", "node_modules", ".bin");
    fs.mkdirSync(pmBin, { recursive: true });
    fs.symlinkSync(globalBin, path.join(pmBin, "hygge"));
    expect(hyggeOnPath({ PATH: pmBin })).toBeUndefined();
    expect(hyggeCommand(inv({ onPath: bin, cwd: tmp }))).toBe("hygge");
    expect(hyggeCommand(inv({ onPath: "/usr/bin/some-other-hygge", cwd: tmp }))).toBe(`node ${bin}`);
  });

  test("paths a shell would split are quoted", () => {
    expect(shellWord("my-project")).toBe("my-project");
    expect(shellWord("my project")).toBe("'my project'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(hyggeCommand(inv({ bin: "/opt/my tools/node_modules/x/bin.js", cwd: tmp }))).toBe(
      "node '/opt/my tools/node_modules/x/bin.js'",
    );
  });
});

describe("hygge init prints a command that works exactly as printed", () => {
  /** Runs init, then the command on the line after "Next", in a shell, from the same folder. */
  function initThenNext(cmd: string[], cwd: string, project: string) {
    const init = spawnSync(cmd[0]!, [...cmd.slice(1), "init", project], {
      cwd,
      env: plainEnv(),
      encoding: "utf8",
    });
    expect(init.status).toBe(0);
    const lines = init.stdout.split("\n");
    const next = lines[lines.findIndex((l) => l.startsWith("Next, run the example flow:")) + 1]!.trim();
    const go = spawnSync("sh", ["-c", next], { cwd, env: plainEnv(), encoding: "utf8", timeout: 120_000 });
    return { next, go: { code: go.status, out: go.stdout + go.stderr } };
  }

  test("started with node: node <bin.js> go --project <dir>, quoted; it runs the example flow", () => {
    const { next, go } = initThenNext([process.execPath, BIN], tmp, "my project");
    expect(next).toBe(`node ${bin} go --project 'my project'`);
    expect(go.out).toMatch(/PASS 2\s+FAIL 0\s+SKIP 0/);
    expect(go.code).toBe(0);
    expect(fs.readdirSync(path.join(tmp, "my project", "out", "orders"))).toEqual([
      "part-0000000001.parquet",
    ]);
  });

  test("init in the current folder: go without --project", () => {
    const here = path.join(tmp, "here");
    fs.mkdirSync(here);
    const { next, go } = initThenNext([process.execPath, BIN], here, ".");
    expect(next).toBe(`node ${bin} go`);
    expect(go.code).toBe(0);
  });

  test("the README's form in the repository: npx --yes pnpm@<pinned> hygge init, then the same for go", () => {
    const pinned = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).packageManager;
    const project = path.join(tmp, "from-readme");
    const { next, go } = initThenNext(["npx", "--yes", pinned, "hygge"], REPO, project);
    expect(next).toBe(`npx --yes ${pinned} hygge go --project ${project}`);
    expect(go.out).toMatch(/PASS 2\s+FAIL 0\s+SKIP 0/);
    expect(go.code).toBe(0);
  });
});
