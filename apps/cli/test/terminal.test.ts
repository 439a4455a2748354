import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, test } from "@jest/globals";
import { BIN, cleanup, memoryProject, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

// `script` (util-linux) runs the CLI on a pseudo-terminal, as a user's shell would.
const hasScript = spawnSync("script", ["--version"]).status === 0;
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");
/** `hygge <args>` on a terminal of `columns` columns; stdout and stderr both land in `stdout`. */
const onTerminal = (dir: string, args: string, columns?: number) => {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm" };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const size = columns ? `stty cols ${columns} rows 40; ` : "";
  return spawnSync("script", ["-qec", `${size}${process.execPath} ${BIN} ${args}`, "/dev/null"], {
    cwd: dir,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
};

describe("on a terminal", () => {
  (hasScript ? test : test.skip)("live progress with a bar, then a coloured summary table", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "flows/slow/flow.yml":
        "home:\n  type: memory\n  delay_ms: 2\nstore:\n  type: jsonfile\n  path: out\nentities: [big]\n",
    });
    const r = onTerminal(dir, "go --concurrency 2");
    expect(r.status).toBe(0);
    const text = r.stdout.replace(ansi, "");
    expect(r.stdout).toContain("\u001b["); // escape codes: colours and redraws
    // A live bar (estimated rows known) with an ETA, fitted to the 80 columns of the terminal.
    expect(text).toMatch(/slow\.big\s+█*░+\s+\d+%\s+[\d,]+ rows\s+eta \d/);
    expect(text).toContain("✓ slow.big  200,000 rows");
    expect(text).toMatch(/slow\s+big\s+PASS\s+200,000/);
    expect(text).toMatch(/PASS 4\s+FAIL 0\s+SKIP 0/);
  });

  (hasScript ? test : test.skip)(
    "a 60-column terminal: live lines fit it, with an ETA; a long error is wrapped, never cut",
    () => {
      const dir = memoryProject({
        "flows/slow/flow.yml":
          "home:\n  type: memory\n  delay_ms: 5\nstore:\n  type: jsonfile\n  path: out\nentities: [big]\n",
        "flows/broken/flow.yml":
          "home:\n  type: memory\nstore:\n  type: jsonfile\n  path: out\n  fail_on_commit: true\nentities: [orders]\n",
      });
      const r = onTerminal(dir, "go --concurrency 2", 60);
      expect(r.status).toBe(1);
      // Each frame is drawn from the start of its line: split there to see the lines as drawn.
      const drawn = r.stdout
        .replace(new RegExp(`${String.fromCharCode(27)}\\[\\d*G`, "g"), "\n")
        .replace(ansi, "")
        .split(/\r?\n/);
      const live = drawn.filter((l) => l.startsWith("⠿ "));
      expect(live.length).toBeGreaterThan(0);
      for (const l of live) expect(l.length).toBeLessThanOrEqual(59);
      expect(live.some((l) => /^⠿ slow\.big\s+\d+%\s+[\d,]+ rows\s+eta \S+$/.test(l))).toBe(true);
      // The error, with its long path, on lines of at most 60 columns, every word whole.
      const text = r.stdout.replace(ansi, "");
      const start = text.indexOf("✗ flow broken, entity orders failed");
      expect(start).toBeGreaterThan(0);
      const block = text.slice(start).split(/\r?\n/).slice(0, 8);
      for (const l of block) expect(l.length).toBeLessThanOrEqual(60);
      const words = block.join(" ").split(/\s+/);
      expect(words).toContain("(as");
      expect(words).toContain("configured)");
      expect(words).toContain("hint:");
      expect(block.join(" ").replace(/\s+/g, " ")).toContain(
        "hint: check the destination, then run the flow again; it was left as it was before the run",
      );
    },
  );
});
