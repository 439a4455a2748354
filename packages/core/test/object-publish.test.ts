import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "@jest/globals";
import { contentsOf, freshRoot, keysUnder, objectView, publisher, runOn, where } from "./object-helpers.js";

const storage = objectView();

describe("object publish: full_drop and incremental", () => {
  it("a full_drop publishes exactly its files; the next full_drop replaces them", async () => {
    const root = await freshRoot();
    const { folder, book } = where(root);
    await runOn(publisher(storage, root), { runId: "r1", runType: "full_drop", contents: ["a", "b"] });
    expect(await contentsOf(storage, folder)).toEqual({
      "part-0000000001.csv": "a",
      "part-0000000002.csv": "b",
    });
    await runOn(publisher(storage, root), { runId: "r2", runType: "full_drop", contents: ["c"] });
    expect(await contentsOf(storage, folder)).toEqual({ "part-0000000003.csv": "c" });
    // Bookkeeping lives outside the folder, and staging is gone.
    expect(await keysUnder(storage, book)).toEqual([
      "commits/0000000001.json",
      "commits/0000000002.json",
      "state.json",
    ]);
    const state = JSON.parse((await contentsOf(storage, book))["state.json"]!);
    expect(state).toMatchObject({ seq: 2, nextSeq: 4, published: ["part-0000000003.csv"] });
    expect(await publisher(storage, root).committedState()).toMatchObject({
      runId: "r2",
      watermark: { value: "1" },
    });
  });

  it("incremental runs add files under names that sort after the old ones", async () => {
    const root = await freshRoot();
    const { folder } = where(root);
    await runOn(publisher(storage, root), { runId: "r1", runType: "full_drop", contents: ["a"] });
    await runOn(publisher(storage, root), { runId: "r2", runType: "incremental", contents: ["b", "c"] });
    await runOn(publisher(storage, root), { runId: "r3", runType: "incremental", contents: ["d"] });
    expect(await contentsOf(storage, folder)).toEqual({
      "part-0000000001.csv": "a",
      "part-0000000002.csv": "b",
      "part-0000000003.csv": "c",
      "part-0000000004.csv": "d",
    });
    expect(await publisher(storage, root).committedState()).toMatchObject({ runId: "r3" });
  });

  it("keeps only the last few commit records", async () => {
    const root = await freshRoot();
    for (let i = 1; i <= 8; i++)
      await runOn(publisher(storage, root), { runId: `r${i}`, runType: "incremental", contents: [`${i}`] });
    expect(await keysUnder(storage, `${where(root).book}commits/`)).toEqual(
      [4, 5, 6, 7, 8].map((n) => `000000000${n}.json`),
    );
    expect(Object.keys(await contentsOf(storage, where(root).folder))).toHaveLength(8);
  });
});

describe("object publish: what hygge did not write", () => {
  it("a full_drop refuses a folder with foreign objects and changes nothing", async () => {
    const root = await freshRoot();
    const { folder } = where(root);
    await storage.write(`${folder}theirs.csv`, new TextEncoder().encode("x"));
    await expect(
      runOn(publisher(storage, root), { runId: "r1", runType: "full_drop", contents: ["a"] }),
    ).rejects.toMatchObject({
      code: "STORE_WRITE_FAILED",
      message: expect.stringContaining("hygge has never published there"),
      hint: expect.stringContaining("replace_existing"),
    });
    expect(await contentsOf(storage, folder)).toEqual({ "theirs.csv": "x" });
    expect(await keysUnder(storage, `${root}lake/.hygge/`)).toEqual([]);
  });

  it("foreign objects that appear during a full_drop are refused at the commit point", async () => {
    const root = await freshRoot();
    const { folder, book } = where(root);
    await runOn(publisher(storage, root), { runId: "r1", runType: "full_drop", contents: ["a"] });
    const p = publisher(storage, root);
    const run = runOn(p, { runId: "r2", runType: "full_drop", contents: ["b"], noCommit: true });
    const { files, state } = await run;
    await storage.write(`${folder}sub/theirs.csv`, new TextEncoder().encode("x"));
    await expect(p.commit(state, files, 3)).rejects.toMatchObject({
      code: "STORE_WRITE_FAILED",
      message: expect.stringContaining("appeared in"),
    });
    await p.abort();
    expect(await contentsOf(storage, folder)).toEqual({ "part-0000000001.csv": "a", "sub/theirs.csv": "x" });
    expect(await keysUnder(storage, book)).toEqual(["commits/0000000001.json", "state.json"]);
  });

  it("with replace_existing a full_drop replaces foreign objects too", async () => {
    const root = await freshRoot();
    const { folder } = where(root);
    await storage.write(`${folder}theirs.csv`, new TextEncoder().encode("x"));
    await storage.write(`${folder}deep/er.csv`, new TextEncoder().encode("y"));
    await runOn(publisher(storage, root), {
      runId: "r1",
      runType: "full_drop",
      contents: ["a"],
      replaceExisting: true,
    });
    expect(await contentsOf(storage, folder)).toEqual({ "part-0000000001.csv": "a" });
  });

  it("incremental runs leave foreign objects alone and refuse names that would not sort after them", async () => {
    const root = await freshRoot();
    const { folder } = where(root);
    await storage.write(`${folder}notes.txt`, new TextEncoder().encode("n"));
    await runOn(publisher(storage, root), { runId: "r1", runType: "incremental", contents: ["a"] });
    expect(await contentsOf(storage, folder)).toEqual({ "notes.txt": "n", "part-0000000001.csv": "a" });
    await storage.write(`${folder}zz.csv`, new TextEncoder().encode("z"));
    await expect(
      runOn(publisher(storage, root), { runId: "r2", runType: "incremental", contents: ["b"] }),
    ).rejects.toMatchObject({
      code: "STORE_WRITE_FAILED",
      message: expect.stringContaining("would not sort after"),
    });
  });
});

describe("object publish: abort and conflicts", () => {
  it("abort leaves the destination byte-identical and removes the run's staging and temp files", async () => {
    const root = await freshRoot();
    const tempDir = (await freshRoot()).slice(0, -1);
    await runOn(publisher(storage, root), { runId: "r1", runType: "full_drop", contents: ["a", "b"] });
    const before = await contentsOf(storage, `${root}lake/`);
    const p = publisher(storage, root, `/${tempDir}`);
    await runOn(p, { runId: "r2", runType: "full_drop", contents: ["c", "d", "e"], noCommit: true });
    // A file written but not yet staged is dropped too.
    await writeFile(p.localPathFor("part-0000000099.csv"), "half");
    // Uploads overlap the next file's writing: wait for the three staged uploads to land.
    const staged = async () => (await keysUnder(storage, `${where(root).book}staging-r2/`)).length;
    for (let i = 0; i < 100 && (await staged()) < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await staged()).toBe(3);
    await p.abort();
    expect(await contentsOf(storage, `${root}lake/`)).toEqual(before);
    expect(await keysUnder(storage, `${tempDir}/`)).toEqual([]);
  });

  it("two runs commit at once: one wins, the other publishes nothing and drops its staging", async () => {
    const root = await freshRoot();
    const { folder, book } = where(root);
    await runOn(publisher(storage, root), { runId: "r0", runType: "full_drop", contents: ["old"] });
    const a = publisher(storage, root);
    const b = publisher(storage, root);
    const ra = await runOn(a, { runId: "ra", runType: "full_drop", contents: ["a1", "a2"], noCommit: true });
    const rb = await runOn(b, { runId: "rb", runType: "incremental", contents: ["b1"], noCommit: true });
    const results = await Promise.allSettled([
      a.commit(ra.state, ra.files, 4),
      b.commit(rb.state, rb.files, 3),
    ]);
    const won = results.findIndex((r) => r.status === "fulfilled");
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(won).toBeGreaterThanOrEqual(0);
    expect(lost.reason).toMatchObject({
      code: "STORE_COMMIT_FAILED",
      message: expect.stringContaining("another run"),
    });
    expect(await contentsOf(storage, folder)).toEqual(
      won === 0
        ? { "part-0000000002.csv": "a1", "part-0000000003.csv": "a2" }
        : { "part-0000000001.csv": "old", "part-0000000002.csv": "b1" },
    );
    expect((await keysUnder(storage, book)).filter((k) => k.startsWith("staging-"))).toEqual([]);
    expect(await publisher(storage, root).committedState()).toMatchObject({ runId: won === 0 ? "ra" : "rb" });
  });

  it("a run that opened before another committed loses even when it commits after it", async () => {
    const root = await freshRoot();
    const a = publisher(storage, root);
    const b = publisher(storage, root);
    const ra = await runOn(a, { runId: "ra", runType: "incremental", contents: ["a"], noCommit: true });
    const rb = await runOn(b, { runId: "rb", runType: "incremental", contents: ["b"], noCommit: true });
    await a.commit(ra.state, ra.files, 2);
    // Both chose part-1: committing b after a would overwrite a's file.
    await expect(b.commit(rb.state, rb.files, 2)).rejects.toMatchObject({ code: "STORE_COMMIT_FAILED" });
    expect(await contentsOf(storage, where(root).folder)).toEqual({ "part-0000000001.csv": "a" });
  });
});
