import { spawnSync } from "node:child_process";
import { describe, expect, test } from "@jest/globals";
import { BIN } from "./helpers.js";

/**
 * The CLI exits only once stdout is flushed: a reader slower than hygge (a pipe to `jq`, a CI log
 * collector) still gets every byte of a large output. Before, `process.exit` cut it at the pipe's
 * 64 KiB.
 */
describe("exit", () => {
  test("waits for a slow reader to take all of a large output (hygge schema, ~200 KB)", () => {
    const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    const r = spawnSync(
      "sh",
      ["-c", `${shellQuote(process.execPath)} ${shellQuote(BIN)} schema | (sleep 1; cat)`],
      {
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(["project", "flow", "entity"]);
  });
});
