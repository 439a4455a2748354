import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { type Data, type Field, Table, Utf8, vectorFromArray } from "apache-arrow";
import { ParquetFile } from "../src/read/parquet-file.js";
import { compressorFor } from "../src/write/codecs.js";
import { ParquetFileWriter } from "../src/write/file-writer.js";
import { parquetSchema } from "../src/write/schema.js";
import { q, sql, tempDir } from "./helpers.js";

/** The writer's two column paths (columnar fast path and generic path) write the same data. */
describe("the writer's fast column path and its off switch", () => {
  it("writes the same values, statistics and key-value metadata with the fast path on and off", async () => {
    const dir = await tempDir("paths");
    const table = new Table({
      id: vectorFromArray(new BigInt64Array([1n, -9223372036854775808n, 9223372036854775807n, 4n])),
      n: vectorFromArray(new Int32Array([7, -2, 0, 2147483647])),
      x: vectorFromArray(new Float64Array([1.5, Number.NaN, -0, 2.25])),
      s: vectorFromArray(
        ["a", "a long string value that is longer than sixteen bytes ✓", "", "zz"],
        new Utf8(),
      ),
    });
    const elements = parquetSchema(table.schema);
    const { codec, compressors } = await compressorFor("snappy");
    const sizes: Record<string, number> = {};
    for (const fast of [true, false]) {
      const path = join(dir, `fast-${fast}.parquet`);
      const writer = new ParquetFileWriter(path, table.schema, elements, {
        codec,
        compressors,
        dictionary: true,
        kvMetadata: [{ key: "k", value: "v" }],
        fast,
      });
      const columns = table.schema.fields.map(
        (f: Field) => table.getChild(f.name as "id")!.data as unknown as Data[],
      );
      writer.writeRowGroup(columns, table.numRows);
      writer.writeRowGroup(columns, table.numRows);
      sizes[String(fast)] = writer.finish();
      expect(writer.rows).toBe(8);
    }
    const a = join(dir, "fast-true.parquet");
    const b = join(dir, "fast-false.parquet");
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const)
      expect(
        await sql(`SELECT * FROM read_parquet(${q(x)}) EXCEPT ALL SELECT * FROM read_parquet(${q(y)})`),
      ).toEqual([]);
    expect(await sql(`SELECT count(*)::INT AS n, max(id)::VARCHAR AS hi FROM read_parquet(${q(a)})`)).toEqual(
      [{ n: 8, hi: "9223372036854775807" }],
    );
    const stats = async (p: string) =>
      sql(`SELECT path_in_schema AS c, stats_min_value AS lo, stats_max_value AS hi, stats_null_count::INT AS nulls
        FROM parquet_metadata(${q(p)}) WHERE row_group_id = 0 ORDER BY c`);
    expect(await stats(a)).toEqual(await stats(b));
    expect(await stats(a)).toContainEqual({
      c: "id",
      lo: "-9223372036854775808",
      hi: "9223372036854775807",
      nulls: 0,
    });
    expect(
      await sql(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${q(a)})`),
    ).toEqual([{ k: "k", v: "v" }]);
    // Our reader reads both.
    for (const p of [a, b]) {
      const file = await ParquetFile.open(p);
      try {
        const shapes = file.shapes();
        const batch = await file.readRowGroup(1, shapes, file.schema(shapes));
        expect(batch.getChild("s")!.toArray()).toEqual(table.getChild("s")!.toArray());
      } finally {
        await file.close();
      }
    }
    expect(sizes.true).toBeGreaterThan(0);
  });
});
