import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { Schema } from "apache-arrow";
import {
  type CreateContext,
  type DiscoverRequest,
  defineFormat,
  fieldFromTypeName,
  type Home,
  isHyggeError,
  LocalStorage,
  Registry,
  silentLogger,
  toRows,
  z,
} from "../src/index.js";
import { lines } from "./lines-format.js";
import { objectView } from "./object-helpers.js";

/** A header-only format for schema tests: `name:type;name:type` (hygge type names). */
const typed = defineFormat({
  extensions: [".typed"],
  readOptions: z.strictObject({}),
  writeOptions: z.strictObject({}),
  extensionFor: () => ".typed",
  async schema(source) {
    const header = new TextDecoder().decode(await source.read(0, source.size)).trim();
    return new Schema(
      header.split(";").map((c) => {
        const [name, type] = c.split(":");
        return fieldFromTypeName(name!, type!);
      }),
    );
  },
  async *read() {
    yield* [];
  },
  async createWriter() {
    throw new Error("not used");
  },
});

/** The local disk seen only through the Storage contract (no localPath): an object store, `fake://b/<abs path>`. */
const fake = {
  name: "test-fake",
  storages: {
    fake: {
      options: z.strictObject({ bucket: z.string() }),
      schemes: ["fake"],
      fromUrl: (url: URL) => ({ options: { bucket: url.host }, path: url.pathname }),
      create: () => ({ ...objectView(new LocalStorage()), url: (p: string) => `fake://b/${p}` }),
    },
  },
};
const registry = new Registry([{ name: "test-formats", formats: { lines, typed } }, fake]);
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tree(files: Record<string, string>, folders: string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hygge-discover-"));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  for (const f of folders) await mkdir(join(dir, f), { recursive: true });
  return dir;
}

const context = (projectDir: string, entity?: string): CreateContext => ({
  flow: "f",
  entity,
  projectDir,
  connections: {},
  resources: { get: async (_k, create) => create() },
  logger: silentLogger,
});
const request = (extra: Partial<DiscoverRequest> = {}): DiscoverRequest => ({
  signal: new AbortController().signal,
  ...extra,
});
const discover = (type: string, dir: string, options: Record<string, unknown>, req = request()) => {
  const d = registry.home(type).definition;
  return d.discover!(d.options.parse(options), context(dir), req);
};

/** A folder of entities: two of folders, one a file, and what is not an entity next to them. */
const LAKE = {
  "lake/orders/a.lines": "id\n1\n2\n3\n",
  "lake/orders/b.lines": "id\n4\n5\n",
  "lake/orders/_SUCCESS": "",
  "lake/customers/2024/x.lines": "cid\n7\n",
  "lake/events.lines": "ev\n1\n",
  "lake/README": "not data\n",
  "lake/notes.txt": "not data\n",
  "lake/.hygge/orders/state.lines": "id\n1\n",
  "lake/_tmp/x.lines": "id\n1\n",
};

describe("file home discovery", () => {
  it("lists each entity folder and file under path, with files and bytes, skipping bookkeeping", async () => {
    const dir = await tree(LAKE, ["lake/empty"]);
    const found = await discover("lines", dir, { path: "lake" });
    expect(found).toEqual([
      { name: "customers", kind: "folder", files: 1, bytes: 6 },
      { name: "events.lines", kind: "files", files: 1, bytes: 5 },
      { name: "orders", kind: "folder", files: 2, bytes: 16 },
    ]);
  });

  it("names entities the home reads as such: the files it lists are the files it reads", async () => {
    const dir = await tree(LAKE);
    const found = await discover("lines", dir, { path: "lake" }, request({ columns: true }));
    const orders = found.find((e) => e.name === "orders")!;
    const d = registry.home("lines").definition;
    const home = (await d.create(d.options.parse({ path: "lake" }), context(dir, "orders"))) as Home;
    const rows = [];
    for await (const b of home.read({
      signal: request().signal,
      flow: "f",
      entity: "orders",
      runType: "full_drop",
    }))
      rows.push(...toRows([b]));
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(orders.estimatedRows).toBe(rows.length);
  });

  it("with columns, describes each entity's columns as hygge type names, and its rows from the format", async () => {
    const dir = await tree(LAKE);
    const found = await discover("lines", dir, { path: "lake" }, request({ columns: true }));
    expect(found.map((e) => [e.name, e.estimatedRows, e.columns])).toEqual([
      ["customers", 1, [{ name: "cid", sourceType: "int32", type: "int32", nullable: true }]],
      ["events.lines", 1, [{ name: "ev", sourceType: "int32", type: "int32", nullable: true }]],
      ["orders", 5, [{ name: "id", sourceType: "int32", type: "int32", nullable: true }]],
    ]);
  });

  it("narrows the list with entity patterns, inclusions and exclusions", async () => {
    const dir = await tree(LAKE);
    const names = async (patterns: string[]) =>
      (await discover("lines", dir, { path: "lake" }, request({ patterns }))).map((e) => e.name);
    expect(await names(["o*"])).toEqual(["orders"]);
    expect(await names(["!orders"])).toEqual(["customers", "events.lines"]);
    expect(await names(["*", "!*.lines"])).toEqual(["customers", "orders"]);
  });

  it("takes entity names from the {entity} part of path, with a glob below it", async () => {
    const dir = await tree(LAKE);
    const globbed = await discover("lines", dir, { path: "lake/{entity}/*.lines" });
    expect(globbed.map((e) => [e.name, e.kind, e.files])).toEqual([["orders", "files", 2]]);
    const deep = await discover("lines", dir, { path: "lake/{entity}/**/*.lines" });
    expect(deep.map((e) => [e.name, e.files])).toEqual([
      ["customers", 1],
      ["orders", 2],
    ]);
  });

  it("marks a column whose type differs across an entity's files unreadable, and still describes the rest", async () => {
    const dir = await tree({
      "t/items/a.typed": "id:int32;name:string",
      "t/items/b.typed": "id:string;price:decimal(10,2)",
    });
    const [items] = await discover("typed", dir, { path: "t" }, request({ columns: true }));
    expect(items!.columns!.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ["id", undefined, undefined],
      ["name", "string", true],
      ["price", "decimal(10, 2)", true],
    ]);
    const id = items!.columns![0]!;
    expect(id.sourceType).toBe("int32");
    expect(id.unreadable!.reason).toMatch(/"id".*int32.*string|"id".*string.*int32/s);
    expect(id.unreadable!.reason).toContain("a.typed");
    expect(id.unreadable!.reason).toContain("b.typed");
  });

  it("refuses a path that does not exist, or that is a file, saying what to give", async () => {
    const dir = await tree(LAKE);
    const missing = await discover("lines", dir, { path: "nowhere" }).catch((e: unknown) => e);
    expect(isHyggeError(missing) && missing.code).toBe("HOME_READ_FAILED");
    expect((missing as Error).message).toContain(join(dir, "nowhere"));
    const file = await discover("lines", dir, { path: "lake/events.lines" }).catch((e: unknown) => e);
    expect(isHyggeError(file) && file.code).toBe("CONFIG_INVALID");
    expect((file as { hint?: string }).hint).toMatch(/folder holding the entities/);
  });

  it("lists the same entities on object storage, through the Storage contract only", async () => {
    const dir = await tree(LAKE, ["lake/empty"]);
    const plain = await discover("lines", dir, { path: `fake://b${dir}/lake` }, request({ columns: true }));
    expect(plain.map((e) => [e.name, e.kind, e.files, e.bytes, e.estimatedRows, e.columns?.length])).toEqual([
      ["customers", "folder", 1, 6, 1, 1],
      ["events.lines", "files", 1, 5, 1, 1],
      ["orders", "folder", 2, 16, 5, 1],
    ]);
    // customers has no file right below its folder: the glob matches nothing there (no entity).
    const globbed = await discover("lines", dir, { path: `fake://b${dir}/lake/{entity}/*.lines` });
    expect(globbed.map((e) => e.name)).toEqual(["orders"]);
  });

  it("lists nothing (no error) for an existing folder without entities", async () => {
    const dir = await tree({ "lake/README": "x" }, ["lake/empty"]);
    expect(await discover("lines", dir, { path: "lake" })).toEqual([]);
  });
});
