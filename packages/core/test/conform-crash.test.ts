import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { type StoreSuiteOptions, spawnChild, tempDir, testStore } from "../src/testing/index.js";
import { DIR_STORE_POINTS, dirLeftovers, dirStore, readDir } from "./conform-dir-store.js";
import { collectCases, runCases } from "./conform-harness.js";

const child = fileURLToPath(new URL("./conform-crash-child.ts", import.meta.url));

const root = tempDir("conform-crash");

function suite(repair: boolean): StoreSuiteOptions {
  return {
    name: repair ? "folder store" : "folder store without repair",
    create: (entity) => dirStore(root, entity, { repair }),
    readBack: async (entity) => readDir(root, entity),
    inspect: { leftovers: async (entity) => dirLeftovers(root, entity) },
    crash: {
      points: DIR_STORE_POINTS,
      spawn: (entity, env) => spawnChild(child, [root, entity, repair ? "1" : "0"], env),
    },
  };
}

const crashTitle = (point: string) =>
  `a crash at ${point} leaves the old or the new data, and the next run repairs it`;

describe("the conformance suite's crash cases (a folder store with fault points)", () => {
  const points = [...DIR_STORE_POINTS, "engine:before-commit", "engine:after-commit"];

  it("crash at each fault point in a child, then repair: a store that repairs passes", async () => {
    const cases = collectCases(() => testStore(suite(true))).filter((c) => c.title.includes("a crash at"));
    expect(cases.map((c) => c.title.replace(/^[^›]*› /, ""))).toEqual(points.map(crashTitle));
    expect(await runCases(cases)).toEqual(new Map());
  });

  it("a store that does not remove what a crashed run left fails at every point before its commit finished", async () => {
    const cases = collectCases(() => testStore(suite(false))).filter((c) => c.title.includes("a crash at"));
    const failures = await runCases(cases);
    // Killed before CURRENT moves: the crashed run's folder stays behind; after: the old run's does.
    // At engine:after-commit the store's commit had cleaned up: nothing to repair.
    expect(failures.has(crashTitle("engine:after-commit"))).toBe(false);
    for (const point of points.filter((p) => p !== "engine:after-commit")) {
      expect([point, failures.get(crashTitle(point))]).toEqual([
        point,
        expect.stringMatching(
          new RegExp(
            `^folder store without repair: the run after a crash at ${point}: left behind in staging: \\S+`,
          ),
        ),
      ]);
    }
  });

  it("a child that is never killed (an unknown point) fails, naming the point", async () => {
    const options = suite(true);
    options.crash = { ...options.crash!, points: ["dir:no-such-point"] };
    const cases = collectCases(() => testStore(options)).filter((c) => c.title.includes("no-such-point"));
    const failures = await runCases(cases);
    expect(failures.get(crashTitle("dir:no-such-point"))).toMatch(
      /^folder store: the child was not killed at dir:no-such-point \(exit 0\): the point was never reached\./,
    );
  });
});
