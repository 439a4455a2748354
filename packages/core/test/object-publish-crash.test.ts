import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { contentsOf, freshRoot, keysUnder, objectView, publisher, runOn, where } from "./object-helpers.js";

const storage = objectView();
const CHILD = fileURLToPath(new URL("./object-publish-child.ts", import.meta.url));

/** Runs one publish in a child process that dies at `point`; resolves with the signal that ended it. */
function killedRun(spec: object, point?: string): Promise<string | null> {
  const env = { ...process.env, OBJPUB_SPEC: JSON.stringify(spec) } as Record<string, string>;
  if (point) env.HYGGE_FAULT_KILL_AT = point;
  else delete env.HYGGE_FAULT_KILL_AT;
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  return new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
}

const OLD = { "part-0000000001.csv": "old-1", "part-0000000002.csv": "old-2" };
const NEW_FULL = {
  "part-0000000003.csv": "new-1",
  "part-0000000004.csv": "new-2",
  "part-0000000005.csv": "new-3",
};

/** The next run of the entity: open() (with a just-dead run's staging counted as dead), then nothing. */
async function nextOpen(root: string) {
  const p = publisher(storage, root, undefined, 0);
  const state = await p.committedState();
  await runOn(p, { runId: "next", runType: "incremental", contents: [] });
  return state;
}

describe("object publish: a run killed at each step is finished or discarded by the next run", () => {
  const cases = [
    // [fault point, what a reader sees right after the kill]
    ["files:object:after-commit-record", OLD],
    ["files:object:mid-copy", OLD],
    ["files:object:before-state", NEW_FULL],
  ] as const;
  it.each(cases)("full_drop killed at %s", async (point, seenAfterKill) => {
    const root = await freshRoot();
    const { folder, book } = where(root);
    await runOn(publisher(storage, root), {
      runId: "r1",
      runType: "full_drop",
      contents: ["old-1", "old-2"],
    });
    const spec = { root, runId: "r2", runType: "full_drop", contents: ["new-1", "new-2", "new-3"] };
    expect(await killedRun(spec, point)).toBe("SIGKILL");
    // mid-copy (after the first copy completes): copies run 8 at a time, so any of the new files,
    // and possibly more than one, may have landed; never any old one gone, nothing else there.
    const seen = await contentsOf(storage, folder);
    if (point === "files:object:mid-copy") {
      expect(seen).toMatchObject(seenAfterKill);
      const added = Object.entries(seen).filter(([k]) => !(k in OLD));
      expect(added.length).toBeGreaterThanOrEqual(1);
      for (const [k, v] of added) expect(NEW_FULL[k as keyof typeof NEW_FULL]).toBe(v);
    } else expect(seen).toEqual(seenAfterKill);
    expect(await nextOpen(root)).toMatchObject({ runId: "r2" });
    expect(await contentsOf(storage, folder)).toEqual(NEW_FULL);
    const book_ = await keysUnder(storage, book);
    expect(book_.filter((k) => !k.startsWith("commits/"))).toEqual(["state.json"]);
  });

  it("incremental killed mid-copy: the next run adds the rest, once", async () => {
    const root = await freshRoot();
    const { folder } = where(root);
    await runOn(publisher(storage, root), {
      runId: "r1",
      runType: "full_drop",
      contents: ["old-1", "old-2"],
    });
    const spec = { root, runId: "r2", runType: "incremental", contents: ["new-1", "new-2", "new-3"] };
    expect(await killedRun(spec, "files:object:mid-copy")).toBe("SIGKILL");
    expect(await nextOpen(root)).toMatchObject({ runId: "r2" });
    expect(await contentsOf(storage, folder)).toEqual({ ...OLD, ...NEW_FULL });
  });

  it("a run killed before its commit point is discarded: the folder and state stay the previous run's", async () => {
    const root = await freshRoot();
    const { folder, book } = where(root);
    await runOn(publisher(storage, root), {
      runId: "r1",
      runType: "full_drop",
      contents: ["old-1", "old-2"],
    });
    const before = await contentsOf(storage, `${root}lake/`);
    const spec = { root, runId: "r2", runType: "full_drop", contents: ["new-1"], killBeforeCommit: true };
    expect(await killedRun(spec)).toBe("SIGKILL");
    expect((await keysUnder(storage, book)).some((k) => k.startsWith("staging-r2/"))).toBe(true);
    expect(await contentsOf(storage, `${root}lake/`)).toEqual({ ...before, ...(await heartbeatOf(book)) });
    // A live run's staging survives another run's open() (its heartbeat is fresh) …
    await runOn(publisher(storage, root), { runId: "r3", runType: "incremental", contents: [] });
    expect((await keysUnder(storage, book)).some((k) => k.startsWith("staging-r2/"))).toBe(true);
    // … and a dead one's is swept.
    expect(await nextOpen(root)).toMatchObject({ runId: "r3" });
    expect(await contentsOf(storage, folder)).toEqual(OLD);
    expect((await keysUnder(storage, book)).filter((k) => !k.startsWith("commits/"))).toEqual(["state.json"]);
  });
});

/** The killed run's staging and heartbeat, as relative keys under `<root>lake/` with their text. */
async function heartbeatOf(book: string): Promise<Record<string, string>> {
  const all = await contentsOf(storage, book);
  const rel = book.slice(book.indexOf("lake/") + "lake/".length);
  return Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith("staging-r2/") || k.startsWith("runs/r2"))
      .map(([k, v]) => [rel + k, v]),
  );
}
