import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type HyggeError, isHyggeError, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { fingerprint, makeStore, q, sql, tempDir } from "./helpers.js";

const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);
const ids = async (folder: string) =>
  (await sql(`SELECT id FROM read_parquet(${q(join(folder, "*.parquet"))}) ORDER BY id`)).map((r) =>
    Number(r.id),
  );

const run = (
  dir: string,
  start: number,
  options: Record<string, unknown> = {},
  runType: "full_drop" | "incremental" = "full_drop",
) =>
  runFlow({
    flow: "f",
    entity: "orders",
    runType,
    home: memoryHome(sequenceBatches(10, 5, start)),
    store: makeStore(dir, "orders", { path: "out", ...options }),
    ...(runType === "incremental" ? { watermark: { column: "id", primaryKey: ["id"] } } : {}),
  });

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("the run was expected to fail");
    },
    (e: unknown) => e as HyggeError,
  );

/** A folder someone filled before hygge: a Parquet file, a hidden file and a sub-folder. */
async function foreignFolder(dir: string): Promise<string> {
  const folder = join(dir, "out", "orders");
  await mkdir(join(folder, "archive"), { recursive: true });
  await sql(`COPY (SELECT 42::BIGINT AS id) TO ${q(join(folder, "legacy.parquet"))} (FORMAT parquet)`);
  await writeFile(join(folder, ".notes"), "mine");
  await writeFile(join(folder, "archive", "2019.csv"), "id\n1\n");
  return folder;
}

describe("a full_drop never replaces what hygge did not publish", () => {
  it("refuses a folder hygge never published, before touching anything", async () => {
    const dir = await tempDir("foreign-first");
    const folder = await foreignFolder(dir);
    const before = await fingerprint(dir);
    const error = await failure(run(dir, 0));
    expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
    expect(error.message).toContain(folder);
    expect(error.message).toContain("3 entries hygge did not publish (.notes, archive/, legacy.parquet)");
    expect(error.message).toContain("hygge has never published there");
    expect(error.hint).toContain("replace_existing: true");
    expect(error.entity).toBe("orders");
    expect(await fingerprint(dir)).toBe(before); // no bookkeeping folder either
    expect(await readdir(join(dir, "out"))).toEqual(["orders"]);
  });

  it("replaces them with replace_existing: true, and the next run needs no opt-in", async () => {
    const dir = await tempDir("foreign-optin");
    const folder = await foreignFolder(dir);
    await run(dir, 0, { replace_existing: true });
    expect(await readdir(folder)).toEqual(["part-0000000001.parquet"]);
    expect(await ids(folder)).toEqual(range(0, 10));
    await run(dir, 100);
    expect(await ids(folder)).toEqual(range(100, 10));
  });

  it("refuses a file put next to hygge's files later, naming it; the opt-in replaces it", async () => {
    const dir = await tempDir("foreign-later");
    await run(dir, 0);
    const folder = join(dir, "out", "orders");
    await sql(
      `COPY (SELECT 7::BIGINT AS id) TO ${q(join(folder, "part-0000000009.parquet"))} (FORMAT parquet)`,
    );
    const before = await fingerprint(dir);
    const error = await failure(run(dir, 100));
    expect(error.message).toContain(
      `${folder} holds 1 entry hygge did not publish (part-0000000009.parquet)`,
    );
    expect(await fingerprint(dir)).toBe(before);
    await run(dir, 100, { replace_existing: true });
    expect(await ids(folder)).toEqual(range(100, 10));
  });

  it("counts a file dropped in while the run was writing, and leaves the folder as it was", async () => {
    const dir = await tempDir("foreign-during");
    await run(dir, 0);
    const folder = join(dir, "out", "orders");
    const store = makeStore(dir, "orders", { path: "out" });
    const error = await failure(
      runFlow({
        flow: "f",
        entity: "orders",
        home: {
          async *read() {
            yield* sequenceBatches(5, 5, 100);
            await writeFile(join(folder, "dropped.txt"), "mid-run");
          },
        },
        store,
      }),
    );
    expect(error.message).toContain("1 entry hygge did not publish (dropped.txt) appeared in");
    expect(await ids(folder)).toEqual(range(0, 10));
    expect(await readFile(join(folder, "dropped.txt"), "utf8")).toBe("mid-run");
    expect(await readdir(join(dir, "out", ".hygge", "orders"))).toEqual(["state.json"]);
  });

  it("needs no opt-in for an empty folder, and an incremental run appends next to foreign files", async () => {
    const dir = await tempDir("foreign-incremental");
    await mkdir(join(dir, "out", "orders"), { recursive: true });
    await run(dir, 0);
    await rm(join(dir, "out"), { recursive: true });
    const folder = await foreignFolder(dir);
    await chmod(join(folder, "archive"), 0o700);
    const foreign = await fingerprint(folder);
    const inodes = async () =>
      Promise.all(
        ["legacy.parquet", ".notes", "archive/2019.csv"].map(async (f) => (await stat(join(folder, f))).ino),
      );
    const before = await inodes();
    await run(dir, 0, {}, "incremental");
    await run(dir, 10, {}, "incremental");
    // Every foreign entry is untouched (same content, same file, same folder mode), hygge's files sit next to them.
    const after = (await fingerprint(folder)).split("\n");
    expect(after.filter((l) => !l.startsWith("part-")).join("\n")).toBe(foreign);
    expect(await inodes()).toEqual(before);
    expect((await stat(join(folder, "archive"))).mode & 0o777).toBe(0o700);
    expect(await ids(folder)).toEqual([...range(0, 20), 42]);
    // They are still not hygge's: a full_drop refuses until the opt-in.
    const error = await failure(run(dir, 100));
    expect(error.message).toContain(
      "holds 3 entries hygge did not publish (.notes, archive/, legacy.parquet)",
    );
    await run(dir, 100, { replace_existing: true });
    expect(await readdir(folder)).toEqual(["part-0000000003.parquet"]);
  });

  it("a state from a hygge that kept no file list counts the files named by file_name as hygge's", async () => {
    const dir = await tempDir("foreign-legacy");
    await run(dir, 0, { max_rows_per_file: 5 });
    const book = join(dir, "out", ".hygge", "orders");
    const state = JSON.parse(await readFile(join(book, "state.json"), "utf8"));
    delete state.files;
    await writeFile(join(book, "state.json"), JSON.stringify(state));
    await run(dir, 100);
    const folder = join(dir, "out", "orders");
    expect(await ids(folder)).toEqual(range(100, 10));
    await writeFile(join(folder, "readme.txt"), "x");
    await writeFile(join(book, "state.json"), JSON.stringify(state));
    const error = await failure(run(dir, 200));
    expect(error.message).toContain("(readme.txt)");
  });

  it("keeps an entry that appears after the commit point instead of deleting it", async () => {
    const dir = await tempDir("foreign-after-intent");
    await run(dir, 0);
    const folder = join(dir, "out", "orders");
    const store = makeStore(dir, "orders", { path: "out" });
    const runId = "20260101T000000Z-late";
    await store.open({
      signal: new AbortController().signal,
      flow: "f",
      entity: "orders",
      runId,
      runType: "full_drop",
    });
    for (const b of sequenceBatches(5, 5, 100)) await store.write(b);
    await store._prepareCommit({
      runId,
      runType: "full_drop",
      flow: "f",
      entity: "orders",
      committedAt: "now",
    });
    // The process "dies" at the commit point; then someone drops a file before the next run.
    await writeFile(join(folder, "late.txt"), "late");
    const inode = (await stat(join(folder, "late.txt"))).ino;
    await makeStore(dir, "orders", { path: "out" }).committedState();
    expect(await ids(folder)).toEqual(range(100, 5));
    expect((await stat(join(folder, "late.txt"))).ino).toBe(inode);
    expect(await readFile(join(folder, "late.txt"), "utf8")).toBe("late");
  });
});
