import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Home, isHyggeError, Registry, silentLogger, toRows, typeNameOf } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import plugin from "../src/index.js";
import { q, sql, tempDir } from "./helpers.js";

const registry = new Registry([plugin]);
const ctx = { signal: new AbortController().signal, flow: "test", runType: "full_drop" as const };

function csvHome(path: string, extra: Record<string, unknown> = {}): Home {
  const { definition } = registry.home("csv");
  return definition.create(definition.options.parse({ path, ...extra }), {
    flow: "test",
    projectDir: "/",
    connections: {},
    resources: { get: async (_k, create) => create() },
    logger: silentLogger,
  }) as Home;
}

async function folderOf(files: Record<string, string>): Promise<string> {
  const folder = join(await tempDir("union"), "in");
  await mkdir(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
  return folder;
}

describe("the csv home reads a folder of files with different but compatible schemas by column name", () => {
  it("added, missing and reordered columns, decimals and timestamps widened, as DuckDB reads them", async () => {
    // a: amount decimal(2, 1), at timestamp[us]; b: reordered, amount decimal(8, 3), at timestamp[ns], note new;
    // c: at missing, amount decimal(3, 2).
    const folder = await folderOf({
      "a.csv": "id,amount,at\n1,1.5,2024-01-01T00:00:00.123456\n2,,2024-01-01T00:00:00\n",
      "b.csv": "at,id,amount,note\n2024-01-01T00:00:00.000000001,3,12345.125,hello\n,4,-0.001,\n",
      "c.csv": "note,id,amount\nbye,5,9.99\n",
    });
    const home = csvHome(folder);
    const schema = await home.schema!(ctx);
    expect(schema.fields.map((f) => `${f.name}:${typeNameOf(f)}`)).toEqual([
      "id:int64",
      "amount:decimal(8, 3)",
      "at:timestamp[ns]",
      "note:string",
    ]);
    const batches: RecordBatch[] = [];
    for await (const b of home.read(ctx)) batches.push(b);
    const rows = toRows(batches).sort((x, y) => Number(x.id) - Number(y.id));
    // DuckDB, told the widened types, reads the same folder by name.
    const duck = await sql(`
      SELECT id::VARCHAR AS id, amount::VARCHAR AS amount, epoch_ns("at")::VARCHAR AS "at", note
      FROM read_csv(${q(join(folder, "*.csv"))}, union_by_name = true,
        types = {'id': 'BIGINT', 'amount': 'DECIMAL(8,3)', 'at': 'TIMESTAMP_NS', 'note': 'VARCHAR'})
      ORDER BY id`);
    expect(rows).toEqual(duck);
    expect(rows).toEqual([
      { id: "1", amount: "1.500", at: "1704067200123456000", note: null },
      { id: "2", amount: null, at: "1704067200000000000", note: null },
      { id: "3", amount: "12345.125", at: "1704067200000000001", note: "hello" },
      { id: "4", amount: "-0.001", at: null, note: null },
      { id: "5", amount: "9.990", at: null, note: "bye" },
    ]);
    await home.close?.();
  });

  it("refuses a column that is a number in one file and text in another, naming both files", async () => {
    const folder = await folderOf({ "a.csv": "id,code\n1,42\n", "b.csv": "id,code\n2,A-7\n" });
    const error = await csvHome(folder).schema!(ctx).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("SCHEMA_MISMATCH");
    expect((error as Error).message).toContain(
      `column "code" is string in ${join(folder, "b.csv")} but int64 in ${join(folder, "a.csv")}`,
    );
  });

  it("columns: declared with a type and missing from older files reads as null there; declared in no file is refused", async () => {
    // An evolved folder hygge published: the older file has no `note`.
    const folder = await folderOf({
      "part-1.csv": "id,amount\n1,1.50\n",
      "part-2.csv": "id,amount,note\n2,2.25,hi\n",
    });
    const columns = { id: "int64", amount: "decimal(10, 2)", note: "string" };
    const home = csvHome(folder, { columns });
    const batches: RecordBatch[] = [];
    for await (const b of home.read(ctx)) batches.push(b);
    expect(toRows(batches)).toEqual([
      { id: "1", amount: "1.50", note: null },
      { id: "2", amount: "2.25", note: "hi" },
    ]);
    // A declared name no file has is a typo, not an evolution.
    const typo = csvHome(folder, { columns: { ...columns, nothere: "int64" } });
    const error = await typo.schema!(ctx).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
    expect((error as Error).message).toContain("`columns` names nothere, which none of the 2 files has");
    expect((error as Error).message).toContain(folder);
  });
});
