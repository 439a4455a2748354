import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hyggeSignal, testdir } from "./helpers.js";

afterAll(cleanup);

/** A local plugin: a slow memory home and a store whose close() never returns. */
const PLUGIN = `
import { z } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";

export default {
  name: "hang-plugin",
  homes: {
    slow: {
      options: z.strictObject({}),
      create: () => memoryHome(sequenceBatches(100_000, 100), { delayMs: 5 }),
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
        "home:\n  type: slow\nstore:\n  type: stuckclose\ntimeouts:\n  close: 1500ms\n  cancel: 300ms\n  notice: 200ms\n",
    });
    const r = await hyggeSignal(["go"], {
      cwd: dir,
      signal: "SIGINT",
      ready: (o) => o.includes("hang: started"),
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toContain("SIGINT received: stopping");
    expect(r.stdout).toMatch(/hang: waiting for the store \(hang-plugin\) to close \(\d+ms\)/);
    expect(r.stdout).toMatch(/hang\s+-\s+FAIL/);
  });
});
