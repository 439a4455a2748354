import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hashTree, hygge, hyggeWhile, memoryProject, readJson, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

// 200 batches of 1000 rows, 150 ms each: at least 30 s unless aborted. The lock's heartbeat
// (every 5 s) notices a lost lock long before, so the run must stop far earlier and fail.
const SLOW: Record<string, string> = {
  "flows/slow/flow.yml":
    "home:\n  type: memory\n  delay_ms: 150\nstore:\n  type: jsonfile\n  path: out\nentities: [big]\n",
};

/** A project whose destination already holds a committed load of `slow.big`. */
function loadedProject() {
  const dir = memoryProject({ ...TWO_FLOWS, ...SLOW });
  const first = hygge(["go", "--flow", "slow", "--var", "flow.slow.home.delay_ms=0"], { cwd: dir });
  expect(first.code).toBe(0);
  const out = path.join(dir, "out");
  expect((readJson(path.join(out, "big.json")) as unknown[]).length).toBe(200_000);
  return { dir, out, lockFile: path.join(dir, ".hygge", "locks", "slow.big.lock"), before: hashTree(out) };
}

const started = (output: string) => output.includes("hygge: project");

describe("an entity whose claim is lost stops", () => {
  test("taken over by another process: LOCKED naming it, destination unchanged, its lock left alone", async () => {
    const { dir, out, lockFile, before } = loadedProject();
    const other = {
      pid: 4242,
      host: "elsewhere",
      startedAt: new Date().toISOString(),
      command: "hygge go --flow other",
      token: "someone-else",
    };
    const r = await hyggeWhile(["go", "--flow", "slow"], {
      cwd: dir,
      ready: started,
      act: () => {
        // As a takeover would: the new holder's file replaces ours in one step.
        fs.writeFileSync(`${lockFile}.next`, JSON.stringify(other));
        fs.renameSync(`${lockFile}.next`, lockFile);
      },
    });
    expect(r.code).toBe(1);
    expect(r.all).toMatch(
      /\[LOCKED\] .*the claim on entity slow\.big was lost while this run was writing it \(taken over by pid 4242 on elsewhere: hygge go --flow other\)/,
    );
    expect(r.stdout).toMatch(/slow\s+big\s+FAIL/);
    expect(r.all).toContain("Another hygge run now holds slow.big");
    expect(hashTree(out)).toBe(before);
    // The new holder's lock is never removed by the run that lost it.
    expect(readJson(lockFile)).toEqual(other);
  }, 90_000);

  test("lock file removed: LOCKED saying so, destination unchanged", async () => {
    const { dir, out, lockFile, before } = loadedProject();
    const r = await hyggeWhile(["go", "--flow", "slow", "--json"], {
      cwd: dir,
      ready: started,
      act: () => fs.rmSync(lockFile),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /\[LOCKED\] the claim on entity slow\.big was lost while this run was writing it \(.*slow\.big\.lock was removed\)/,
    );
    const summary = JSON.parse(r.stdout) as {
      exitCode: number;
      flows: { id: string; status: string; error?: { code: string } }[];
    };
    expect(summary.exitCode).toBe(1);
    expect(summary.flows).toEqual([
      expect.objectContaining({
        id: "slow.big",
        status: "fail",
        error: expect.objectContaining({ code: "LOCKED" }),
      }),
    ]);
    expect(hashTree(out)).toBe(before);
    expect(fs.existsSync(lockFile)).toBe(false);
  }, 90_000);

  test("only the entity whose claim is lost stops: another entity of the same run goes on and passes", async () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "flows/two/flow.yml":
        "home:\n  type: memory\n  delay_ms: 150\nstore:\n  type: jsonfile\n  path: out\nentities: [big, orders]\n",
      // 7 batches of one row, 1.5 s each: still running when big's lost claim is noticed (≤ 5 s).
      "flows/two/entities/orders.yml": "home:\n  batch_size: 1\n  delay_ms: 1500\n",
    });
    const r = await hyggeWhile(["go", "--flow", "two", "--json"], {
      cwd: dir,
      ready: started,
      act: () => fs.rmSync(path.join(dir, ".hygge", "locks", "two.big.lock")),
    });
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout) as {
      flows: { id: string; status: string; rows: number; error?: { code: string } }[];
    };
    expect(summary.flows.map((f) => [f.id, f.status, f.error?.code])).toEqual([
      ["two.big", "fail", "LOCKED"],
      ["two.orders", "pass", undefined],
    ]);
    expect((readJson(path.join(dir, "out", "orders.json")) as unknown[]).length).toBe(7);
    expect(fs.existsSync(path.join(dir, "out", "big.json"))).toBe(false);
    expect(fs.readdirSync(path.join(dir, ".hygge", "locks"))).toEqual([]);
  }, 90_000);
});
