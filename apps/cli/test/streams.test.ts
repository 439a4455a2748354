import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { BIN, cleanup, hygge, memoryProject, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

/**
 * The rule: stdout is the run's record (progress, the summary table and totals) or, with --json,
 * only the JSON document; every error goes to stderr: each failed entity's what/why/hint, and an
 * error that stops a command. `hygge go > run.log 2> errors.log` keeps them apart.
 */
const FAILING = { ...TWO_FLOWS, "flows/sales/entities/orders.yml": "store:\n  fail_on_commit: true\n" };
const env = () => {
  const out: NodeJS.ProcessEnv = { ...process.env };
  delete out.FORCE_COLOR;
  return out;
};
/** `hygge <args> > run.log 2> errors.log`, as a user or a cron job writes it. */
function redirected(dir: string, args: string) {
  const r = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" ${args} > run.log 2> errors.log`], {
    cwd: dir,
    env: env(),
    encoding: "utf8",
    timeout: 60_000,
  });
  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
  return { code: r.status, log: read("run.log"), errors: read("errors.log") };
}

describe("failures go to stderr", () => {
  test("hygge go > run.log 2> errors.log: the record in one file, what failed and why in the other", () => {
    const dir = memoryProject(FAILING);
    const r = redirected(dir, "go --concurrency 1");
    expect(r.code).toBe(1);
    // The record: progress lines, the table with its FAIL row, the totals.
    expect(r.log).toMatch(/sales\.orders: started/);
    expect(r.log).toMatch(/sales\s+orders\s+FAIL/);
    expect(r.log).toMatch(/PASS 2\s+FAIL 1\s+SKIP 0/);
    expect(r.log).not.toContain("✗ flow");
    expect(r.log).not.toContain("rerun with");
    // The errors: the failure block, whole, and nothing of the record.
    expect(r.errors).toMatch(/^✗ flow sales, entity orders failed\n/);
    expect(r.errors).toMatch(
      /\[STORE_COMMIT_FAILED\] flow sales, entity orders, plugin \S+: cannot publish \S+orders.json \(as configured\)\n/,
    );
    expect(r.errors).toContain("hint: check the destination, then run the flow again");
    expect(r.errors).toContain("rerun with `hygge go --entity sales.orders`");
    expect(r.errors).not.toMatch(/PASS|started|customers|products/);
  });

  test("a run where every entity passes leaves stderr empty", () => {
    const dir = memoryProject();
    const r = redirected(dir, "go");
    expect(r.code).toBe(0);
    expect(r.log).toMatch(/PASS 3\s+FAIL 0\s+SKIP 0/);
    expect(r.errors).toBe("");
  });

  test("with --json, stdout holds only the JSON document; progress and messages go to stderr", () => {
    const dir = memoryProject(FAILING);
    const r = hygge(["go", "--json", "--concurrency", "1"], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      status: string;
      flows: { id: string; error: { code: string } | null }[];
    };
    expect(doc.status).toBe("fail");
    expect(doc.flows.find((f) => f.id === "sales.orders")?.error?.code).toBe("STORE_COMMIT_FAILED");
    expect(r.stderr).toMatch(/sales\.orders: FAILED \[STORE_COMMIT_FAILED\]/);
    expect(r.stderr).toContain("hygge: project demo");
    expect(r.stderr).not.toContain("{");
  });

  test("--quiet: nothing on success; on failure the table on stdout and the failure on stderr", () => {
    const dir = memoryProject(FAILING);
    const r = hygge(["go", "--quiet", "--concurrency", "1"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/sales\s+orders\s+FAIL/);
    expect(r.stdout).not.toContain("✗ flow");
    expect(r.stderr).toContain("✗ flow sales, entity orders failed");
  });

  test("an error that stops the command: stderr only; with --json also the JSON error on stdout", () => {
    const dir = memoryProject({ ...TWO_FLOWS, "hygge.yml": "name: demo\nplugins: [PLUGIN]\nbogus: 1\n" });
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error \[CONFIG_INVALID\]/);
    const json = hygge(["go", "--json"], { cwd: dir });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: "error",
      exitCode: 2,
      error: { code: "CONFIG_INVALID" },
    });
    expect(json.stderr).toMatch(/^error \[CONFIG_INVALID\]/);
  });
});
