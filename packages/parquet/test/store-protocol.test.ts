import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isHyggeError, Registry, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import plugin from "../src/index.js";
import { createContext, fingerprint, makeStore, q, sql, tempDir } from "./helpers.js";

const idsIn = async (glob: string) =>
  (await sql(`SELECT id FROM read_parquet(${q(glob)}) ORDER BY id`)).map((r) => Number(r.id));
const ids = (folder: string) => idsIn(join(folder, "*.parquet"));

const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

const run = (
  dir: string,
  entity: string | undefined,
  batches = sequenceBatches(10, 5),
  options = {},
  runType: "full_drop" | "incremental" = "full_drop",
) =>
  runFlow({
    flow: "f",
    entity,
    runType,
    home: memoryHome(batches),
    store: makeStore(dir, entity, { path: "out", ...options }),
    ...(runType === "incremental" ? { watermark: { column: "id", primaryKey: ["id"] } } : {}),
  });

describe("the parquet store's publish protocol", () => {
  it("keeps bookkeeping outside the entity folder and publishes exactly this run's files", async () => {
    const dir = await tempDir("layout");
    await run(dir, "orders", sequenceBatches(100, 10), { max_rows_per_file: 30 });
    await run(dir, "orders", sequenceBatches(50, 10, 1000), { max_rows_per_file: 30 });
    const folder = join(dir, "out", "orders");
    expect(await readdir(folder)).toEqual(["part-0000000005.parquet", "part-0000000006.parquet"]);
    expect(await ids(folder)).toEqual(range(1000, 50));
    expect(await readdir(join(dir, "out", ".hygge", "orders"))).toEqual(["state.json"]);
  });

  it("single-entity flows keep bookkeeping in <parent>/.hygge/<name>", async () => {
    const dir = await tempDir("single");
    await run(dir, undefined);
    expect((await readdir(join(dir, "out"))).every((f) => f.endsWith(".parquet"))).toBe(true);
    expect(await readdir(join(dir, ".hygge", "out"))).toEqual(["state.json"]);
  });

  it("incremental runs add files whose names sort after every existing file, across many runs", async () => {
    const dir = await tempDir("incremental");
    const folder = join(dir, "out", "events");
    for (let r = 0; r < 12; r++) {
      const report = await run(
        dir,
        "events",
        sequenceBatches(5 * (r + 1), 5),
        { file_name: "{seq}-{entity}-{run}.parquet" },
        "incremental",
      );
      expect(report.rows).toBe(5);
    }
    const names = await readdir(folder);
    expect(names).toHaveLength(12);
    expect(new Set(names).size).toBe(12);
    // Names in byte order are names in creation order: file k holds ids 5k..5k+4.
    const sorted = [...names].sort();
    for (const [k, name] of sorted.entries())
      expect(await idsIn(join(folder, name))).toEqual(range(5 * k, 5));
    expect(await ids(folder)).toEqual(range(0, 60));
  });

  it("incremental continues after files that someone else put there with the same pattern", async () => {
    const dir = await tempDir("foreign");
    await run(dir, "events", sequenceBatches(5, 5), {}, "incremental");
    const folder = join(dir, "out", "events");
    const [first] = await readdir(folder);
    await rename(join(folder, first!), join(folder, "part-0000000099.parquet"));
    await run(dir, "events", sequenceBatches(10, 5), {}, "incremental");
    expect((await readdir(folder)).sort()).toEqual(["part-0000000099.parquet", "part-0000000100.parquet"]);
  });

  it("incremental refuses to add files that would not sort last", async () => {
    const dir = await tempDir("nosort");
    await run(dir, "events", sequenceBatches(5, 5), {}, "incremental");
    const folder = join(dir, "out", "events");
    await writeFile(join(folder, "zzz.parquet"), "");
    const before = await fingerprint(folder);
    const error = await run(dir, "events", sequenceBatches(10, 5), {}, "incremental").catch(
      (e: unknown) => e,
    );
    expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
    expect((error as Error).message).toContain("zzz.parquet");
    expect(await fingerprint(folder)).toBe(before);
  });

  it("a run stopped right after its commit point is completed by the next run", async () => {
    const dir = await tempDir("rollforward");
    await run(dir, "orders", sequenceBatches(20, 10));
    const folder = join(dir, "out", "orders");
    const store = makeStore(dir, "orders", { path: "out" });
    const ctx = {
      signal: new AbortController().signal,
      flow: "f",
      entity: "orders",
      runId: "20260101T000000Z-crash",
      runType: "full_drop" as const,
    };
    await store.open(ctx);
    for (const b of sequenceBatches(7, 7, 500)) await store.write(b);
    const watermark = { column: "id", kind: "integer" as const, value: "506" };
    await store._prepareCommit({
      runId: ctx.runId,
      runType: "full_drop",
      flow: "f",
      entity: "orders",
      committedAt: "now",
      watermark,
    });
    // The process "dies" here: the intent is durable, nothing is published yet.
    expect(await ids(folder)).toEqual(range(0, 20));
    const next = makeStore(dir, "orders", { path: "out" });
    expect((await next.committedState())?.watermark?.value).toBe("506");
    expect(await ids(folder)).toEqual(range(500, 7));
    expect(await readdir(join(dir, "out", ".hygge", "orders"))).toEqual(["state.json"]);
  });

  it("a full_drop interrupted between moving the old folder aside and moving the new one in is repaired", async () => {
    const dir = await tempDir("midswap");
    await run(dir, "orders", sequenceBatches(20, 10));
    const book = join(dir, "out", ".hygge", "orders");
    const folder = join(dir, "out", "orders");
    const store = makeStore(dir, "orders", { path: "out" });
    const runId = "20260101T000000Z-midswap";
    await store.open({
      signal: new AbortController().signal,
      flow: "f",
      entity: "orders",
      runId,
      runType: "full_drop",
    });
    for (const b of sequenceBatches(3, 3, 900)) await store.write(b);
    await store._prepareCommit({
      runId,
      runType: "full_drop",
      flow: "f",
      entity: "orders",
      committedAt: "now",
    });
    await rename(folder, join(book, `trash-${runId}`)); // the first rename of the publish, then a crash
    await run(dir, "orders", sequenceBatches(4, 4, 700)); // the next run repairs, then does its own work
    expect(await ids(folder)).toEqual(range(700, 4));
    expect(await readdir(book)).toEqual(["state.json"]);
  });

  it("leftover staging of a crashed run is removed by the next run and never published", async () => {
    const dir = await tempDir("stale");
    await run(dir, "orders", sequenceBatches(20, 10));
    const book = join(dir, "out", ".hygge", "orders");
    await mkdir(join(book, "staging-old-run"));
    await writeFile(join(book, "staging-old-run", "part-0000000009.parquet"), "half a file");
    await run(dir, "orders", sequenceBatches(5, 5, 300));
    expect(await readdir(book)).toEqual(["state.json"]);
    expect(await ids(join(dir, "out", "orders"))).toEqual(range(300, 5));
  });

  it("refuses entity names that would leave the folder, creating nothing", async () => {
    const dir = await tempDir("traversal");
    for (const entity of ["../evil", "a/b", "..", ".hidden", "c\\d"]) {
      const error = await run(dir, entity).catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it("create() and describe() touch nothing on disk (dry-run)", async () => {
    const dir = await tempDir("dry");
    const ctx = createContext(dir, "orders");
    const stores = new Registry([plugin]).store("parquet").definition;
    const homes = new Registry([plugin]).home("parquet").definition;
    const options = stores.options.parse({ path: "out" });
    await stores.create(options, ctx);
    expect(stores.describe?.(options, ctx)).toContain(join(dir, "out", "orders"));
    const home = homes.options.parse({ path: "in" });
    await homes.create(home, ctx);
    expect(await readdir(dir)).toEqual([]);
  });

  it("rejects unknown options and a file_name without {seq}", () => {
    const stores = new Registry([plugin]).store("parquet").definition;
    const homes = new Registry([plugin]).home("parquet").definition;
    expect(stores.options.safeParse({ path: "x", compresion: "zstd" }).success).toBe(false);
    expect(stores.options.safeParse({ path: "x", file_name: "data.parquet" }).success).toBe(false);
    expect(homes.options.safeParse({ path: "x", batch_size: 0 }).success).toBe(false);
  });
});

describe("time zones", () => {
  it("keeps a timestamp column's zone name (Parquet stores the UTC instant, hygge the name)", async () => {
    const { TimestampMicrosecond } = await import("apache-arrow");
    const { batchOf, int64Vector } = await import("@hygge/core/testing");
    const { toRows } = await import("@hygge/core");
    const { makeHome, readAll } = await import("./helpers.js");
    const dir = await tempDir("zones");
    const batch = batchOf({
      at: int64Vector(new TimestampMicrosecond("Europe/Paris"), [1704067200123456n, null, -1n]),
      utc: int64Vector(new TimestampMicrosecond("UTC"), [0n, 1n, 2n]),
    });
    await runFlow({
      flow: "z",
      home: memoryHome([batch]),
      store: makeStore(dir, undefined, { path: "out" }),
    });
    const got = await readAll(makeHome(dir, undefined, { path: "out" }));
    expect(got[0]!.schema.fields.map((f) => String(f.type))).toEqual(
      batch.schema.fields.map((f) => String(f.type)),
    );
    expect(toRows(got)).toEqual(toRows([batch]));
    const [row] = await sql(
      `SELECT epoch_us("at")::VARCHAR AS us FROM read_parquet(${q(join(dir, "out", "*.parquet"))}) WHERE epoch_us(utc) = 0`,
    );
    expect(row?.us).toBe("1704067200123456");
  });
});
