import { copyFile, mkdir, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isHyggeError, runFlow } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { fingerprint, makeHome, makeStore, q, sql, tempDir } from "./helpers.js";

async function setup(label: string) {
  const dir = await tempDir(label);
  const src = join(dir, "src", "orders");
  await mkdir(src, { recursive: true });
  await sql(
    `COPY (SELECT i AS id, 'n' || i AS name FROM range(3000) r(i)) TO ${q(join(src, "a.parquet"))} (FORMAT parquet, ROW_GROUP_SIZE 500)`,
  );
  await sql(
    `COPY (SELECT i AS id, 'n' || i AS name FROM range(3000, 5000) r(i)) TO ${q(join(src, "b.parquet"))} (FORMAT parquet)`,
  );
  // A first successful run, so the destination holds data to protect.
  await flow(dir);
  return { dir, src, dest: join(dir, "dest", "orders") };
}

const flow = (dir: string) =>
  runFlow({
    flow: "f",
    entity: "orders",
    home: makeHome(dir, "orders", { path: "src" }),
    store: makeStore(dir, "orders", { path: "dest" }),
  });

async function expectFailure(dir: string, dest: string, code: string, ...mentions: string[]) {
  const before = await fingerprint(dest);
  const error = await flow(dir).catch((e: unknown) => e);
  expect(isHyggeError(error) && error.code).toBe(code);
  for (const m of mentions) expect((error as Error).message).toContain(m);
  expect(await fingerprint(dest)).toBe(before);
  return error as Error;
}

describe("bad input files fail the flow and leave the destination as it was", () => {
  it("a corrupt file (garbage bytes) names the file", async () => {
    const { dir, src, dest } = await setup("corrupt");
    await writeFile(join(src, "c.parquet"), "this is not parquet at all, just text");
    await expectFailure(dir, dest, "HOME_READ_FAILED", join(src, "c.parquet"));
  });

  it("a file with zero columns names the file", async () => {
    const { dir, src, dest } = await setup("zero-columns");
    const { parquetWriteFile } = await import("hyparquet-writer");
    parquetWriteFile({ filename: join(src, "z.parquet"), columnData: [] });
    await expectFailure(dir, dest, "HOME_READ_FAILED", join(src, "z.parquet"), "has no columns");
  });

  it("a truncated file names the file", async () => {
    const { dir, src, dest } = await setup("truncated");
    const path = join(src, "c.parquet");
    await copyFile(join(src, "a.parquet"), path);
    const size = (await readFile(path)).length;
    await truncate(path, Math.floor(size / 2));
    await expectFailure(dir, dest, "HOME_READ_FAILED", path);
  });

  it("a file whose pages are damaged (valid footer) names the file", async () => {
    const { dir, src, dest } = await setup("damaged");
    const path = join(src, "c.parquet");
    const bytes = await readFile(join(src, "a.parquet"));
    for (let i = 4; i < 400; i++) bytes[i] = 0xff; // clobber the first page header and data
    await writeFile(path, bytes);
    await expectFailure(dir, dest, "HOME_READ_FAILED", path);
  });

  it("files with different schemas name both files and the columns", async () => {
    const { dir, src, dest } = await setup("mismatch");
    await sql(
      `COPY (SELECT i::VARCHAR AS id, 'n' AS name, 1 AS extra FROM range(3) r(i)) TO ${q(join(src, "c.parquet"))} (FORMAT parquet)`,
    );
    const error = await expectFailure(
      dir,
      dest,
      "SCHEMA_MISMATCH",
      join(src, "a.parquet"),
      join(src, "c.parquet"),
    );
    expect(error.message).toMatch(/"id"/);
    // An added column is not a conflict (files are read by column name): only "id" is named.
    expect(error.message).not.toMatch(/"extra"/);
  });

  it("a path that does not exist is an error naming it", async () => {
    const dir = await tempDir("missing");
    const error = await runFlow({
      flow: "f",
      home: makeHome(dir, undefined, { path: "nope/x.parquet" }),
      store: makeStore(dir, undefined, { path: "out" }),
    }).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
    expect((error as Error).message).toContain(join(dir, "nope/x.parquet"));
    expect(await fingerprint(join(dir, "out"))).toBe("absent");
  });

  it("an empty folder gives zero rows", async () => {
    const dir = await tempDir("emptydir");
    await mkdir(join(dir, "src", "orders"), { recursive: true });
    const report = await flow(dir);
    expect(report.rows).toBe(0);
  });

  it("columns selects a subset in the given order; an unknown column is a config error", async () => {
    const { dir, src } = await setup("columns");
    const home = makeHome(dir, "orders", { path: "src", columns: ["name", "id"] });
    const out = join(dir, "subset");
    await runFlow({ flow: "f", entity: "orders", home, store: makeStore(dir, "orders", { path: "subset" }) });
    expect(
      await sql(`SELECT * FROM read_parquet(${q(join(out, "orders", "*.parquet"))}) ORDER BY id LIMIT 1`),
    ).toEqual([{ name: "n0", id: "0" }]);
    const error = await runFlow({
      flow: "f",
      entity: "orders",
      home: makeHome(dir, "orders", { path: "src", columns: ["nope"] }),
      store: makeStore(dir, "orders", { path: "subset" }),
    }).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    expect((error as Error).message).toContain(join(src, "a.parquet"));
  });
});
