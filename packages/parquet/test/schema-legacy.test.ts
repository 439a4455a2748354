import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isHyggeError, runFlow, toRows } from "@hygge/core";
import { batchOf, int64Vector, memoryHome } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Int32, Int64, Utf8, vectorFromArray } from "apache-arrow";
import { fingerprint, makeHome, makeStore, readAll, tempDir } from "./helpers.js";

// A Parquet folder published by an older hygge: its state.json has no recorded columns. The store
// reads the published files' columns (publishedSchema), so the first run after the upgrade is
// compared too, instead of publishing files the folder's readers could no longer unify.
describe("a parquet destination whose state has no recorded columns (an older hygge)", () => {
  const v1 = (ids: number[]) => batchOf({ id: vectorFromArray(ids, new Int32()) });
  const run = (dir: string, batch: ReturnType<typeof v1>) =>
    runFlow({
      flow: "f",
      entity: "t",
      home: memoryHome([batch]),
      store: makeStore(dir, "t", { path: "out" }),
      runType: "incremental",
    });
  const forget = async (dir: string) => {
    const file = join(dir, "out", ".hygge", "t", "state.json");
    const stored = JSON.parse(await readFile(file, "utf8"));
    expect(stored.state.schema).toEqual([{ name: "id", type: "int32" }]);
    delete stored.state.schema;
    await writeFile(file, JSON.stringify(stored));
  };

  it("an incompatible type is refused before anything is written; a wider one is accepted and recorded", async () => {
    const dir = await tempDir("legacy");
    await run(dir, v1([1, 2]));
    await forget(dir);
    const before = await fingerprint(join(dir, "out"));
    const error = await run(dir, batchOf({ id: vectorFromArray(["x"], new Utf8()) })).catch(
      (e: unknown) => e,
    );
    expect(isHyggeError(error) && error.code).toBe("SCHEMA_CHANGE_REFUSED");
    expect((error as Error).message).toContain('column "id" was int32 and is now string');
    expect(await fingerprint(join(dir, "out"))).toBe(before);
    // int32 → int64 is a widening: accepted, and the state records the columns again.
    const report = await run(dir, batchOf({ id: int64Vector(new Int64(), [3n]) }));
    expect(report.schemaChange?.widened).toEqual([{ name: "id", from: "int32", to: "int64" }]);
    expect(toRows(await readAll(makeHome(dir, "t", { path: "out" }), "t")).map((r) => r.id)).toEqual([
      "1",
      "2",
      "3",
    ]);
  });
});
