import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, test } from "@jest/globals";
import { BIN, cleanup, hyggeSignal, testdir } from "./helpers.js";

afterAll(cleanup);

/** A local plugin: a slow memory home and a store whose close() never returns. */
const PLUGIN = `
import { z } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";

export default {
  name: "hang-plugin",
  homes: {
    slow: {
      options: z.strictObject({ rows: z.number().optional() }),
      create: (o) => memoryHome(sequenceBatches(o.rows ?? 100_000, 100), { delayMs: 5 }),
    },
  },
  stores: {
    stuckclose: {
      options: z.strictObject({}),
      runTypes: ["full_drop"],
      create: () => ({
        supports: { runTypes: ["full_drop"] },
        async open() {},
        async write() {},
        async commit() {
          return { rows: 0, locations: [] };
        },
        async abort() {},
        close: () => new Promise(() => {}), // never settles, and holds nothing that keeps node alive
      }),
    },
  },
};
`;

describe("a plugin that hangs cannot hold `hygge go`", () => {
  test("SIGINT while the store's close() hangs: exit 130 once timeouts.close passes, saying what it waited for", async () => {
    const dir = testdir({
      "plugin.mjs": PLUGIN,
      "hygge.yml": "name: hang\nplugins: [./plugin.mjs]\n",
      "flows/hang/flow.yml":
        "home:\n  type: slow\nstore:\n  type: stuckclose\ntimeouts:\n  close: 1500ms\n  cancel: 300ms\n  notice: 200ms\nentities: [hang]\n",
    });
    const r = await hyggeSignal(["go"], {
      cwd: dir,
      signal: "SIGINT",
      ready: (o) => o.includes("hang: started"),
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toContain("SIGINT received: stopping");
    expect(r.stdout).toMatch(/hang: waiting for the store \(hang-plugin\) to close \(\d+ms\)/);
    expect(r.stdout).toMatch(/hang\s+hang\s+FAIL/);
  });
});

// \`script\` (util-linux) runs the CLI on a pseudo-terminal, as a user's shell would.
const hasScript = spawnSync("script", ["--version"]).status === 0;

describe("on a terminal", () => {
  (hasScript ? test : test.skip)("the entity's live line says what it is waiting for", () => {
    const dir = testdir({
      "plugin.mjs": PLUGIN,
      "hygge.yml": "name: hang\nplugins: [./plugin.mjs]\n",
      "flows/h/flow.yml":
        "home:\n  type: slow\n  rows: 2000\nstore:\n  type: stuckclose\ntimeouts:\n  close: 1500ms\n  notice: 200ms\nentities: [hang]\n",
    });
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm" };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    const r = spawnSync("script", ["-qec", `${process.execPath} ${BIN} go`, "/dev/null"], {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(0); // close() gave up on, the data committed: a pass
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");
    const text = r.stdout.replace(ansi, "");
    expect(text).toMatch(/hang\s+.*rows\/s.*waiting for the store \(hang-plugin\) to close \(\d+ms\)/);
    expect(text).toContain("✓ h.hang  2,000 rows");
  });
});
