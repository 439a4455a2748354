import { cp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sequenceBatches, typeMatrix } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { copyFlow, readWithHygge, tableText, tempProject, writeParquet } from "./engine-helpers.js";

const CORPUS = fileURLToPath(new URL("../../parquet/test/fixtures/parquet-testing/", import.meta.url));
/** The matrix columns DuckDB carries exactly (exact.ts); the others make a copy fall back. */
const INEXACT = ["ts_ms", "ts_ns"];

describe("engine: duckdb on a parquet → parquet flow", () => {
  it("copies the type matrix's exact columns inside DuckDB, identical when read back by hygge", async () => {
    const dir = await tempProject();
    await writeParquet(join(dir, "in/t/a.parquet"), [typeMatrix(INEXACT)]);
    await writeParquet(join(dir, "in/t/b.parquet"), [typeMatrix(INEXACT)]);
    const report = await copyFlow(dir);
    expect(report.engine).toEqual({ type: "duckdb", ran: true });
    expect(report.rows).toBe(10);
    const out = await readdir(join(dir, "out/t"));
    expect(out).toHaveLength(1);
    const source = tableText(await readWithHygge(join(dir, "in/t")));
    const copied = tableText(await readWithHygge(join(dir, "out/t")));
    expect(copied.schema).toBe(source.schema);
    expect(copied.rows).toEqual(source.rows);
    expect(copied.rows).toHaveLength(10);
  });

  it("falls back to the batch loop for a column outside the exact set, says why, and copies exactly", async () => {
    const dir = await tempProject();
    await writeParquet(join(dir, "in/t/a.parquet"), [typeMatrix()]);
    const report = await copyFlow(dir);
    expect(report.engine).toEqual({
      type: "duckdb",
      ran: false,
      fallback: expect.stringMatching(/column "ts_ms" is Timestamp<MILLISECOND>/),
    });
    const source = tableText(await readWithHygge(join(dir, "in/t")));
    const copied = tableText(await readWithHygge(join(dir, "out/t")));
    expect(copied).toEqual(source);
  });

  it("falls back for INT96 timestamps: hygge's reader then refuses the overflowed value DuckDB would have copied", async () => {
    const dir = await tempProject();
    await cp(join(CORPUS, "int96_from_spark.parquet"), join(dir, "in/t/x.parquet"));
    // DuckDB reads the last value as -7207070780300583936 µs; hygge refuses it, naming the file.
    await expect(copyFlow(dir)).rejects.toThrow(/x\.parquet.*an INT96 timestamp has a negative time of day/);
    await expect(readdir(join(dir, "out/t"))).rejects.toThrow(/ENOENT/);
  });

  it("appends on incremental runs without a watermark, and `engine: false` on the entity turns it off", async () => {
    const dir = await tempProject();
    await writeParquet(join(dir, "in/t/a.parquet"), sequenceBatches(1000, 300));
    const first = await copyFlow(dir, {}, { runType: "incremental" });
    const second = await copyFlow(dir, {}, { runType: "incremental" });
    expect([first.engine?.ran, second.engine?.ran]).toEqual([true, true]);
    const rows = tableText(await readWithHygge(join(dir, "out/t"))).rows;
    expect(rows).toHaveLength(2000);
    const off = await copyFlow(dir, { entities: [{ name: "t", engine: false }] }, { runType: "incremental" });
    expect(off.engine).toBeUndefined();
    expect(tableText(await readWithHygge(join(dir, "out/t"))).rows).toHaveLength(3000);
  });

  it("falls back when the files' columns differ (hygge reads them by name)", async () => {
    const dir = await tempProject();
    await writeParquet(join(dir, "in/t/a.parquet"), sequenceBatches(10, 10));
    await writeParquet(join(dir, "in/t/b.parquet"), [typeMatrix(INEXACT)]);
    const report = await copyFlow(dir);
    expect(report.engine).toMatchObject({
      ran: false,
      fallback: expect.stringMatching(/the files' columns differ/),
    });
  });

  it("commits the watermark the batch loop would, from the written file, and resumes from it", async () => {
    const dir = await tempProject();
    await writeParquet(join(dir, "in/t/a.parquet"), sequenceBatches(1000, 300));
    const watermark = { watermark_column: "id", primary_key: "id" };
    const engine = await copyFlow(dir, { watermark }, { runType: "incremental" });
    expect(engine.engine).toEqual({ type: "duckdb", ran: true });
    const alone = await copyFlow(
      dir,
      { watermark, engine: false, store: { type: "parquet", path: "alone" } },
      { runType: "incremental" },
    );
    expect(engine.watermark).toEqual(alone.watermark);
    expect(engine.watermark).toMatchObject({ column: "id", value: "999" });
    expect(engine.watermark?.boundaryKeys).toHaveLength(1);
    await writeParquet(join(dir, "in/t/b.parquet"), sequenceBatches(10, 10, 1000));
    const next = await copyFlow(dir, { watermark }, { runType: "incremental" });
    expect(next.engine).toEqual({ type: "duckdb", ran: true });
    expect(next.rows).toBe(10);
    expect(tableText(await readWithHygge(join(dir, "out/t"))).rows).toHaveLength(1010);
  });

  it("falls back for a file whose path holds a glob character, which DuckDB would expand", async () => {
    const dir = await tempProject();
    await writeParquet(join(dir, "in/t/p1.parquet"), sequenceBatches(3, 3));
    await writeParquet(join(dir, "in/t/p[1].parquet"), sequenceBatches(2, 2, 100));
    const report = await copyFlow(dir);
    expect(report.engine).toMatchObject({
      ran: false,
      fallback: expect.stringMatching(/p\[1\]\.parquet has a glob character/),
    });
    expect(tableText(await readWithHygge(join(dir, "out/t")))).toEqual(
      tableText(await readWithHygge(join(dir, "in/t"))),
    );
    expect(report.rows).toBe(5);
  });

  it("leaves a watermark column the files lack to the batch loop, which names it", async () => {
    const dir = await tempProject();
    await writeParquet(join(dir, "in/t/a.parquet"), [sequenceBatches(1, 1)[0]!.slice(0, 0)]);
    const watermark = { watermark_column: "ts", primary_key: "id" };
    await expect(copyFlow(dir, { watermark })).rejects.toThrow(/watermark column "ts" is not in the data/);
    await expect(readdir(join(dir, "out/t"))).rejects.toThrow(/ENOENT/);
  });
});
