import { readdirSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isHyggeError, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { makeHome, makeStore, q, sql, tempDir } from "./helpers.js";

const ids = async (folder: string) =>
  (await sql(`SELECT id FROM read_parquet(${q(join(folder, "*.parquet"))}) ORDER BY id`)).map((r) =>
    Number(r.id),
  );

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
    expect((await incremental(dir, 10)).rows).toBe(10);
    // Drive run 2 by hand so a folder can squat the name of its second file between open() and
    // commit(): that rename then fails (EISDIR) after the intent, the commit point, is written.
    const store = makeStore(dir, "events", { path: "out", max_rows_per_file: 5 });
    await store.open({
      signal: new AbortController().signal,
      flow: "f",
      entity: "events",
      runId: "r2",
      runType: "incremental",
    });
    for (const batch of sequenceBatches(10, 5, 10)) await store.write(batch);
    const before = new Set(await readdir(folder));
    const staged = (await readdir(join(dir, "out", ".hygge", "events", "staging-r2"))).sort();
    expect(staged).toHaveLength(2);
    const squat = join(folder, staged[1]!);
    await mkdir(squat);
    const state = {
      runId: "r2",
      runType: "incremental" as const,
      flow: "f",
      entity: "events",
      committedAt: new Date().toISOString(),
      watermark: { column: "id", kind: "integer" as const, value: "19", boundaryKeys: ['["19"]'] },
    };
    const error = await store.commit(state).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("STORE_COMMIT_FAILED");
    await store.abort();
    await store.close?.();
    const book = join(dir, "out", ".hygge", "events");
    expect(await readdir(book)).toEqual(expect.arrayContaining(["publish.json", "staging-r2"]));
    expect([...before].length).toBeGreaterThan(0);
    await rm(squat, { recursive: true });
    // The next run first completes the committed publish, so it finds nothing new to load.
    expect((await incremental(dir, 20)).rows).toBe(0);
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
