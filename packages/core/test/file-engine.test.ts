import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Int32, type RecordBatch, vectorFromArray } from "apache-arrow";
import {
  type CreateContext,
  type Home,
  isHyggeError,
  LocalStorage,
  Registry,
  runFlow,
  type Store,
  silentLogger,
  toRows,
  z,
} from "../src/index.js";
import { batchOf, memoryHome } from "../src/testing/index.js";
import { lines } from "./lines-format.js";
import { objectView } from "./object-helpers.js";

const registry = new Registry([{ name: "test-lines", formats: { lines } }]);
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const temp = async () => {
  const dir = await mkdtemp(join(tmpdir(), "hygge-files-"));
  dirs.push(dir);
  return dir;
};
const context = (projectDir: string, entity?: string): CreateContext => ({
  flow: "f",
  entity,
  projectDir,
  connections: {},
  resources: { get: async (_k, create) => create() },
  logger: silentLogger,
});
const home = (dir: string, entity: string | undefined, options: Record<string, unknown>) => {
  const d = registry.home("lines").definition;
  return d.create(d.options.parse(options), context(dir, entity)) as Home;
};
const store = (dir: string, entity: string | undefined, options: Record<string, unknown>) => {
  const d = registry.store("lines").definition;
  return d.create(d.options.parse(options), context(dir, entity)) as Store;
};
const readCtx = (entity?: string) => ({
  signal: new AbortController().signal,
  flow: "f",
  entity,
  runType: "full_drop" as const,
});
const values = async (h: Home, entity?: string) => {
  const out: RecordBatch[] = [];
  for await (const b of h.read(readCtx(entity))) out.push(b);
  return toRows(out).map((r) => Object.values(r)[0]);
};
const col = (v: number[]) => vectorFromArray(v, new Int32());
const ints = (n: number, start = 0) => batchOf({ n: col(Array.from({ length: n }, (_, i) => start + i)) });

describe("the file engine (core) over a format", () => {
  it("registers the format as home and store type, with the engine's options and the format's", () => {
    expect(registry.types("home")).toContain("lines");
    const s = registry.store("lines").definition.options;
    expect(s.parse({ path: "out" }) as Record<string, unknown>).toMatchObject({
      file_name: "part-{seq}.lines",
      replace_existing: false,
      upper: false,
    });
    expect((s.parse({ path: "out", upper: true }) as { file_name: string }).file_name).toBe(
      "part-{seq}.LINES",
    );
    expect(s.safeParse({ path: "out", file_name: "x.lines" }).success).toBe(false);
    expect(s.safeParse({ path: "out", file_name: "a/{seq}" }).success).toBe(false);
    expect(s.safeParse({ path: "out", uper: true }).success).toBe(false);
    expect(registry.home("lines").definition.options.safeParse({ path: "in", skip: 1 }).success).toBe(true);
  });

  it("reads a folder at any depth in key order, only the format's extensions, skipping hidden and _ entries", async () => {
    const dir = await temp();
    await mkdir(join(dir, "in", "e", "b", "c"), { recursive: true });
    await mkdir(join(dir, "in", "e", "_tmp"), { recursive: true });
    await writeFile(join(dir, "in", "e", "b", "c", "2.lines"), "n\n3\n");
    await writeFile(join(dir, "in", "e", "a.lines"), "n\n1\n2\n");
    await writeFile(join(dir, "in", "e", "notes.txt"), "not data");
    await writeFile(join(dir, "in", "e", ".hidden.lines"), "n\n99\n");
    await writeFile(join(dir, "in", "e", "_tmp", "x.lines"), "n\n98\n");
    const h = home(dir, "e", { path: "in" });
    expect(await values(h, "e")).toEqual([1, 2, 3]);
    expect(await h.estimateRows?.(readCtx("e"))).toBe(3);
    // A glob, with {entity}: only what matches.
    expect(await values(home(dir, "e", { path: "in/{entity}/**/2.lines" }), "e")).toEqual([3]);
    expect(await values(home(dir, "e", { path: "in/{entity}/*.lines" }), "e")).toEqual([1, 2]);
  });

  it("{entity} may be part of a folder or file name; a path that loses it is refused", async () => {
    const dir = await temp();
    await mkdir(join(dir, "in", "raw_e"), { recursive: true });
    await writeFile(join(dir, "in", "raw_e", "x.lines"), "n\n4\n");
    await writeFile(join(dir, "in", "e.lines"), "n\n5\n6\n");
    expect(await values(home(dir, "e", { path: "in/raw_{entity}" }), "e")).toEqual([4]);
    expect(await values(home(dir, "e", { path: "in/{entity}.lines" }), "e")).toEqual([5, 6]);
    await expect(values(home(dir, "e", { path: "in/raw_{entity}/.." }), "e")).rejects.toThrow(
      "does not keep {entity} in the location",
    );
  });

  it("reads files with different columns by name: a column a file lacks reads as null", async () => {
    const dir = await temp();
    await mkdir(join(dir, "in"), { recursive: true });
    await writeFile(join(dir, "in", "a.lines"), "n\n1\n");
    await writeFile(join(dir, "in", "b.lines"), "m\n1\n");
    const h = home(dir, undefined, { path: "in" });
    const rows: unknown[] = [];
    for await (const batch of h.read(readCtx(undefined))) rows.push(...toRows([batch]));
    expect(rows).toEqual([
      { n: 1, m: null },
      { n: null, m: 1 },
    ]);
  });

  it("names a missing path, and a folder without files has no schema", async () => {
    const dir = await temp();
    const missing = await values(home(dir, undefined, { path: "nope" })).catch((e: unknown) => e);
    expect(isHyggeError(missing) && missing.code).toBe("HOME_READ_FAILED");
    expect((missing as Error).message).toContain(join(dir, "nope"));
    await mkdir(join(dir, "empty"));
    expect(await values(home(dir, undefined, { path: "empty" }))).toEqual([]);
    const none = await home(dir, undefined, { path: "empty" })
      .schema?.(readCtx())
      .catch((e: unknown) => e);
    expect((none as Error).message).toContain("no lines files at");
  });

  it("rolls files every max_rows_per_file rows (batches split at the boundary) and publishes them together", async () => {
    const dir = await temp();
    const report = await runFlow({
      flow: "f",
      entity: "e",
      home: memoryHome([ints(7), ints(5, 7)]),
      store: store(dir, "e", { path: "out", max_rows_per_file: 4 }),
    });
    expect(report.rows).toBe(12);
    const folder = join(dir, "out", "e");
    const files = (await readdir(folder)).sort();
    expect(files).toEqual(["part-0000000001.lines", "part-0000000002.lines", "part-0000000003.lines"]);
    expect(await readFile(join(folder, files[1]!), "utf8")).toBe("n\n4\n5\n6\n7\n");
    expect(await readdir(join(dir, "out", ".hygge", "e"))).toEqual(["state.json"]);
    expect(await values(home(dir, "e", { path: "out" }), "e")).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
  });

  it("a full_drop of zero rows publishes one empty file that carries the schema", async () => {
    const dir = await temp();
    await runFlow({ flow: "f", home: memoryHome([ints(0)]), store: store(dir, undefined, { path: "out" }) });
    expect(await readdir(join(dir, "out"))).toEqual(["part-0000000001.lines"]);
    expect(await readFile(join(dir, "out", "part-0000000001.lines"), "utf8")).toBe("n\n");
  });

  it("an object storage (not local) goes through the object publisher, and a home reads it back", async () => {
    const dir = await temp();
    // The local disk seen only through the Storage contract (no localPath, no rename): an object store.
    const fake = {
      name: "test-fake",
      storages: {
        fake: {
          options: z.strictObject({ bucket: z.string() }),
          schemes: ["fake"],
          fromUrl: (url: URL) => ({ options: { bucket: url.host }, path: url.pathname }),
          create: () => {
            const view = objectView(new LocalStorage());
            return { ...view, url: (p: string) => `fake://b/${p.slice(dir.length)}` };
          },
          describe: (o: { bucket: string }) => `fake://${o.bucket}`,
        },
      },
    };
    const both = new Registry([{ name: "test-lines", formats: { lines } }, fake]);
    const d = both.store("lines").definition;
    expect(d.describe?.(d.options.parse({ path: "fake://user:secret@b/out?sig=x" }), context(dir, "e"))).toBe(
      "lines fake://b/out/e",
    );
    const at = `fake://b${dir}/out`;
    const s = (await d.create(d.options.parse({ path: at }), context(dir, "e"))) as Store;
    await runFlow({ flow: "f", entity: "e", home: memoryHome([ints(5)]), store: s });
    expect(await readdir(join(dir, "out", "e"))).toEqual(["part-0000000001.lines"]);
    // The bookkeeping is outside the published prefix: commit records and state, no staging left.
    // (The local disk keeps emptied folders; an object store has none: only files count.)
    const book = (await readdir(join(dir, "out", ".hygge", "e"), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(join(dir, "out", ".hygge", "e").length + 1))
      .filter((n) => !n.startsWith("runs/"));
    expect(book.filter((n) => !n.startsWith("commits/"))).toEqual(["state.json"]);
    expect(await readdir(join(dir, "out", ".hygge", "e", "commits"))).toHaveLength(1);
    const h = both.home("lines").definition;
    const home = (await h.create(h.options.parse({ path: at }), context(dir, "e"))) as Home;
    expect(await values(home, "e")).toEqual([0, 1, 2, 3, 4]);
  });

  it("refuses store paths that would replace the project or sit at a storage's root", async () => {
    const dir = await temp();
    for (const path of [".", ".."]) {
      const error = await store(dir, undefined, { path })
        .open({ signal: new AbortController().signal, flow: "f", runId: "r", runType: "full_drop" })
        .catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
