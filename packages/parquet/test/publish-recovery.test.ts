import { readdirSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isHyggeError, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { fingerprint, makeHome, makeStore, q, sql, tempDir } from "./helpers.js";

const ids = async (folder: string) =>
  (await sql(`SELECT id FROM read_parquet(${q(join(folder, "*.parquet"))}) ORDER BY id`)).map((r) =>
    Number(r.id),
  );

const incrementalState = (runId: string, value: string) => ({
  runId,
  runType: "incremental" as const,
  flow: "f",
  entity: "events",
  committedAt: new Date().toISOString(),
  watermark: { column: "id", kind: "integer" as const, value, boundaryKeys: [`["${value}"]`] },
});

const incremental = (dir: string, rows: number) =>
  runFlow({
    flow: "f",
    entity: "events",
    runType: "incremental",
    watermark: { column: "id", primaryKey: ["id"] },
    home: memoryHome(sequenceBatches(rows, 5)),
    store: makeStore(dir, "events", { path: "out", max_rows_per_file: 5 }),
  });

describe("errors and dangerous paths around the publish", () => {
  it("an error after the commit point keeps the staged files, and the next run completes the publish", async () => {
    const dir = await tempDir("after-commit-point");
    const folder = join(dir, "out", "events");
    const book = join(dir, "out", ".hygge", "events");
    expect((await incremental(dir, 10)).rows).toBe(10);
    // Drive run 2 by hand so a file can squat the name its publish moves the old folder to: the
    // swap then fails (ENOTEMPTY) after the intent, the commit point, is written.
    const store = makeStore(dir, "events", { path: "out", max_rows_per_file: 5 });
    await store.open({
      signal: new AbortController().signal,
      flow: "f",
      entity: "events",
      runId: "r2",
      runType: "incremental",
    });
    for (const batch of sequenceBatches(10, 5, 10)) await store.write(batch);
    const before = await fingerprint(folder);
    const squat = join(book, "trash-r2");
    await writeFile(squat, "in the way");
    const error = await store.commit(incrementalState("r2", "19")).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("STORE_COMMIT_FAILED");
    await store.abort();
    await store.close?.();
    expect(await readdir(book)).toEqual(expect.arrayContaining(["publish.json", "staging-r2"]));
    expect(await fingerprint(folder)).toBe(before); // readers still see exactly the first run
    await rm(squat);
    // The next run first completes the committed publish, so it finds nothing new to load.
    expect((await incremental(dir, 20)).rows).toBe(0);
    expect(await ids(folder)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await readdir(book)).toEqual(["state.json"]);
  });

  it("an entry that takes the name of a new file during the run is kept, not replaced or deleted", async () => {
    const dir = await tempDir("squat-name");
    const folder = join(dir, "out", "events");
    await incremental(dir, 10);
    const store = makeStore(dir, "events", { path: "out", max_rows_per_file: 5 });
    await store.open({
      signal: new AbortController().signal,
      flow: "f",
      entity: "events",
      runId: "r2",
      runType: "incremental",
    });
    for (const batch of sequenceBatches(10, 5, 10)) await store.write(batch);
    const staged = (await readdir(join(dir, "out", ".hygge", "events", "staging-r2"))).sort();
    await mkdir(join(folder, staged[1]!));
    await writeFile(join(folder, staged[1]!, "theirs.txt"), "not hygge's");
    await store.commit(incrementalState("r2", "19"));
    expect(await readFile(join(folder, `${staged[1]}.hygge-kept-r2`, "theirs.txt"), "utf8")).toBe(
      "not hygge's",
    );
    expect(await ids(folder)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("a file added to or deleted from the folder between the commit point and the swap is respected", async () => {
    const dir = await tempDir("late-changes");
    const folder = join(dir, "out", "events");
    const book = join(dir, "out", ".hygge", "events");
    await incremental(dir, 10); // two files of 5 rows
    const [first, second] = (await readdir(folder)).sort();
    const prepared = async (runId: string, start: number) => {
      const store = makeStore(dir, "events", { path: "out", max_rows_per_file: 5 });
      await store.open({
        signal: new AbortController().signal,
        flow: "f",
        entity: "events",
        runId,
        runType: "incremental",
      });
      for (const batch of sequenceBatches(5, 5, start)) await store.write(batch);
      await store._prepareCommit(incrementalState(runId, String(start + 4)));
    };
    // Run r2 "dies" at its commit point; then someone drops a file in and deletes an old one.
    await prepared("r2", 10);
    await writeFile(join(folder, "late.txt"), "late");
    await rm(join(folder, first!));
    await makeStore(dir, "events", { path: "out" }).committedState();
    expect(await readFile(join(folder, "late.txt"), "utf8")).toBe("late");
    expect(await ids(folder)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // Run r3 "dies" after moving the old folder aside; a file had reached the old folder after its links.
    await prepared("r3", 15);
    await writeFile(join(folder, "later.txt"), "later");
    await rename(folder, join(book, "trash-r3"));
    await makeStore(dir, "events", { path: "out" }).committedState();
    expect(await readFile(join(folder, "later.txt"), "utf8")).toBe("later");
    expect(await readFile(join(folder, "late.txt"), "utf8")).toBe("late");
    expect(await ids(folder)).toEqual(Array.from({ length: 15 }, (_, i) => i + 5));
    expect((await readdir(folder)).filter((f) => f.endsWith(".parquet"))).toContain(second);
    expect(await readdir(book)).toEqual(["state.json"]);
  });

  it("an incremental run whose new file is gone after the swap is taken back, and loaded again", async () => {
    const dir = await tempDir("lost-after-swap");
    const folder = join(dir, "out", "events");
    const book = join(dir, "out", ".hygge", "events");
    await incremental(dir, 10);
    const store = makeStore(dir, "events", { path: "out", max_rows_per_file: 5 });
    await store.open({
      signal: new AbortController().signal,
      flow: "f",
      entity: "events",
      runId: "r2",
      runType: "incremental",
    });
    for (const batch of sequenceBatches(10, 5, 10)) await store.write(batch);
    const intent = await store._prepareCommit(incrementalState("r2", "19"));
    // The swap happened, then the process died; then the run's new file was deleted by hand.
    await rename(folder, join(book, "trash-r2"));
    await rename(join(book, "staging-r2"), folder);
    await writeFile(join(folder, "theirs.txt"), "dropped after the swap");
    await rm(join(folder, intent.files[0]!));
    expect(intent.files).toHaveLength(2);
    const error = await incremental(dir, 20).catch((e: unknown) => e);
    expect((error as Error).message).toContain("staged files of run r2 are gone");
    expect(await ids(folder)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(await readFile(join(folder, "theirs.txt"), "utf8")).toBe("dropped after the swap");
    expect((await incremental(dir, 20)).rows).toBe(10);
    expect(await ids(folder)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await readdir(book)).toEqual(["state.json"]);
  });

  it("an intent whose staged files are gone puts the previous data back instead of committing", async () => {
    const dir = await tempDir("lost-staging");
    const full = (rows: number, start: number) =>
      runFlow({
        flow: "f",
        entity: "events",
        home: memoryHome(sequenceBatches(rows, 5, start)),
        store: makeStore(dir, "events", { path: "out" }),
      });
    await full(10, 0);
    const folder = join(dir, "out", "events");
    const book = join(dir, "out", ".hygge", "events");
    const files = await readdir(folder);
    // What a crash after "old data moved aside" leaves when the staged files are then lost.
    await rename(folder, join(book, "trash-rX"));
    const state = {
      runId: "rX",
      runType: "full_drop",
      flow: "f",
      entity: "events",
      committedAt: "2026-01-01T00:00:00Z",
    };
    await writeFile(
      join(book, "publish.json"),
      JSON.stringify({
        version: 1,
        runId: "rX",
        runType: "full_drop",
        staging: "staging-rX",
        files,
        state,
        nextSeq: 99,
      }),
    );
    const error = await full(5, 100).catch((e: unknown) => e);
    expect((error as Error).message).toContain("staged files of run rX are gone");
    expect(await ids(folder)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(await readdir(book)).toEqual(["state.json"]);
    await full(5, 100);
    expect(await ids(folder)).toEqual([100, 101, 102, 103, 104]);
  });

  it("refuses a store path that is the project folder or loses {entity}", async () => {
    const dir = await tempDir("dangerous-path");
    const single = await runFlow({
      flow: "f",
      home: memoryHome(sequenceBatches(3, 3)),
      store: makeStore(dir, undefined, { path: "." }),
    }).catch((e: unknown) => e);
    expect(isHyggeError(single) && single.code).toBe("CONFIG_INVALID");
    expect((single as Error).message).toContain("is the project folder or contains it");
    const lost = await runFlow({
      flow: "f",
      entity: "a",
      home: memoryHome(sequenceBatches(3, 3)),
      store: makeStore(dir, "a", { path: "lake/{entity}/.." }),
    }).catch((e: unknown) => e);
    expect((lost as Error).message).toContain("does not keep {entity}");
    const clash = await runFlow({
      flow: "f",
      entity: "runs",
      home: memoryHome(sequenceBatches(3, 3)),
      store: makeStore(dir, "runs", { path: "." }),
    }).catch((e: unknown) => e);
    expect((clash as Error).message).toContain("over the project's .hygge/runs");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("closing the home releases the files of a read that was abandoned mid-way", async () => {
    const dir = await tempDir("abandoned-read");
    await mkdir(join(dir, "src", "big"), { recursive: true });
    await sql(
      `COPY (SELECT i AS id FROM range(50000) r(i)) TO ${q(join(dir, "src", "big", "a.parquet"))} (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
    );
    const fds = () => readdirSync("/proc/self/fd").length;
    const before = fds();
    const home = makeHome(dir, "big", { path: "src", batch_size: 500 });
    const iterator = home
      .read({ signal: new AbortController().signal, flow: "f", entity: "big", runType: "full_drop" })
      [Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(fds()).toBeGreaterThan(before);
    await home.close?.();
    expect(fds()).toBe(before);
  });
});
