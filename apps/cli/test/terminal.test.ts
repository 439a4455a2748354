import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, test } from "@jest/globals";
import { BIN, cleanup, memoryProject, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

// `script` (util-linux) runs the CLI on a pseudo-terminal, as a user's shell would.
const hasScript = spawnSync("script", ["--version"]).status === 0;

describe("on a terminal", () => {
  (hasScript ? test : test.skip)("live progress with a bar, then a coloured summary table", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "flows/slow/flow.yml":
        "home:\n  type: memory\n  delay_ms: 2\nstore:\n  type: jsonfile\n  path: out\nentities: [big]\n",
    });
    const env = { ...process.env, TERM: "xterm", NO_COLOR: undefined, FORCE_COLOR: undefined };
    delete env.NO_COLOR;
    const r = spawnSync("script", ["-qec", `${process.execPath} ${BIN} go --concurrency 2`, "/dev/null"], {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");
    const text = r.stdout.replace(ansi, "");
    expect(r.stdout).toContain("\u001b["); // escape codes: colours and redraws
    expect(text).toMatch(/slow\.big\s+█*░+\s+\d+%\s+[\d,]+ rows\s+[\d,]+ rows\/s/); // a live bar (estimated rows known)
    expect(text).toContain("✓ slow.big  200,000 rows");
    expect(text).toMatch(/slow\s+big\s+PASS\s+200,000/);
    expect(text).toMatch(/PASS 4\s+FAIL 0\s+SKIP 0/);
  });
});
