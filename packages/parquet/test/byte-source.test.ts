import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "@jest/globals";
import { ParquetFile } from "../src/read/parquet-file.js";
import { RowGroupDecoder } from "../src/read/row-groups.js";
import { type ByteSource, coalesce } from "../src/read/source.js";
import { q, sql, tempDir } from "./helpers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

/** A file held in memory as a byte source (storage that is not a local path), logging every read. */
function memorySource(bytes: Uint8Array, url = "mem://test.parquet") {
  const reads: [number, number][] = [];
  const source: ByteSource = {
    url,
    size: bytes.length,
    async read(offset, length) {
      reads.push([offset, length]);
      return bytes.slice(offset, offset + length);
    },
  };
  return { source, reads };
}

const readBytes = (reads: [number, number][]) => reads.reduce((n, [, l]) => n + l, 0);

async function sample(): Promise<{ path: string; bytes: Uint8Array }> {
  const dir = await tempDir("source");
  const path = join(dir, "s.parquet");
  // Three row groups; each column chunk is large (incompressible text) so reads are easy to tell apart.
  await sql(`COPY (SELECT i AS id, md5(i::VARCHAR) || md5((i+1)::VARCHAR) AS a, md5((i*7)::VARCHAR) AS b,
    i * 0.5 AS c, md5((i*3)::VARCHAR) AS d FROM range(30000) r(i))
    TO ${q(path)} (FORMAT parquet, ROW_GROUP_SIZE 10000, COMPRESSION uncompressed)`);
  return { path, bytes: new Uint8Array(await readFile(path)) };
}

describe("reading Parquet through a byte source (ranged reads)", () => {
  it("reads the footer with one read of the tail (plus the 4-byte head), never the whole file", async () => {
    const { bytes } = await sample();
    const { source, reads } = memorySource(bytes);
    const file = await ParquetFile.open(source);
    expect(file.numRows).toBe(30000);
    expect(reads.length).toBe(2);
    expect(reads).toContainEqual([0, 4]);
    expect(reads).toContainEqual([bytes.length - 64 * 1024, 64 * 1024]);
  });

  it("reads only the projected column chunks of a row group, and the values are DuckDB's", async () => {
    const { path, bytes } = await sample();
    const { source, reads } = memorySource(bytes);
    const file = await ParquetFile.open(source);
    reads.length = 0;
    const shapes = file.shapes(["b"]);
    const batch = await file.readRowGroup(1, shapes, file.schema(shapes));
    const meta = file.metadata.row_groups[1]!.columns.find((c) => c.meta_data!.path_in_schema[0] === "b")!;
    const chunk = Number(meta.meta_data!.total_compressed_size);
    expect(reads.length).toBe(1);
    expect(reads[0]![0]).toBe(Number(meta.meta_data!.data_page_offset));
    // The chunk, plus at most 100 bytes of PARQUET-816 padding.
    expect(reads[0]![1] - chunk).toBeGreaterThanOrEqual(0);
    expect(reads[0]![1] - chunk).toBeLessThanOrEqual(100);
    expect(readBytes(reads)).toBeLessThan(bytes.length / 10);
    const first = Number(file.metadata.row_groups[0]!.num_rows);
    const expected = await sql(
      `SELECT b FROM read_parquet(${q(path)}) WHERE id >= ${first} AND id < ${first + 3} ORDER BY id`,
    );
    expect(
      batch
        .getChild("b")!
        .toArray()
        .slice(0, 3)
        .map((b: string) => ({ b })),
    ).toEqual(expected);
  });

  it("fetches adjacent chunks in one read, distant ones in separate reads", async () => {
    const { bytes } = await sample();
    const { source, reads } = memorySource(bytes);
    const file = await ParquetFile.open(source);
    reads.length = 0;
    await file.fetchRowGroup(0, file.shapes(["a", "b"]));
    expect(reads.length).toBe(1);
    reads.length = 0;
    // a and d are separated by b and c (each well over the 64 KiB gap).
    await file.fetchRowGroup(0, file.shapes(["a", "d"]));
    expect(reads.length).toBe(2);
    expect(
      coalesce(
        [
          { start: 0, end: 10 },
          { start: 10, end: 20 },
          { start: 100, end: 120 },
        ],
        5,
      ),
    ).toEqual([
      { start: 0, end: 20 },
      { start: 100, end: 120 },
    ]);
  });

  it("reads a footer bigger than the first tail read with exactly one more read", async () => {
    const dir = await tempDir("footer");
    const path = join(dir, "wide.parquet");
    const cols = Array.from({ length: 1200 }, (_, i) => `i + ${i} AS column_with_a_long_name_${i}`).join(
      ", ",
    );
    await sql(`COPY (SELECT ${cols} FROM range(3) r(i)) TO ${q(path)} (FORMAT parquet)`);
    const bytes = new Uint8Array(await readFile(path));
    const footerLength = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
    expect(footerLength).toBeGreaterThan(64 * 1024);
    const { source, reads } = memorySource(bytes);
    const file = await ParquetFile.open(source);
    expect(reads.length).toBe(3); // tail, head, the whole footer
    expect(reads.at(-1)).toEqual([bytes.length - 8 - footerLength, footerLength + 8]);
    const shapes = file.shapes(["column_with_a_long_name_1199"]);
    const batch = await file.readRowGroup(0, shapes, file.schema(shapes));
    expect(batch.getChild("column_with_a_long_name_1199")!.toArray()).toEqual(
      new BigInt64Array([1199n, 1200n, 1201n]),
    );
  });

  it("decodes a row group of an open file in this thread (no path involved)", async () => {
    const { path, bytes } = await sample();
    const { source } = memorySource(bytes);
    const file = await ParquetFile.open(source);
    const shapes = file.shapes(["id", "d"]);
    const decoder = new RowGroupDecoder(file.schema(shapes), ["id", "d"], false);
    try {
      const batch = await decoder.decode({ path: source.url, rowGroup: 2, file });
      const groups = file.metadata.row_groups;
      expect(batch.numRows).toBe(Number(groups[2]!.num_rows));
      const start = Number(groups[0]!.num_rows + groups[1]!.num_rows);
      const [first] = await sql(`SELECT id, d FROM read_parquet(${q(path)}) WHERE id = ${start}`);
      expect({ id: Number(batch.getChild("id")!.get(0)), d: batch.getChild("d")!.get(0) }).toEqual({
        id: start,
        d: first!.d,
      });
    } finally {
      await decoder.close();
    }
  });

  const dist = join(pkg, "dist", "read", "decode-worker.js");
  (existsSync(dist) ? it : it.skip)(
    "the worker decodes bytes the main thread fetched from a non-file source (from the build)",
    async () => {
      const { path } = await sample();
      const script = `
      import { readFileSync } from "node:fs";
      const { ParquetFile } = await import(${JSON.stringify(join(pkg, "dist", "read", "parquet-file.js"))});
      const { RowGroupDecoder } = await import(${JSON.stringify(join(pkg, "dist", "read", "row-groups.js"))});
      const bytes = new Uint8Array(readFileSync(${JSON.stringify(path)}));
      const source = { url: "mem://x", size: bytes.length, read: async (o, l) => bytes.slice(o, o + l) };
      const file = await ParquetFile.open(source);
      const shapes = file.shapes();
      const decoder = new RowGroupDecoder(file.schema(shapes), undefined, true);
      let sum = 0n;
      for (let g = 0; g < 3; g++) {
        const batch = await decoder.decode({ path: source.url, rowGroup: g, file });
        for (const v of batch.getChild("id").toArray()) sum += v;
      }
      console.log("threaded=" + decoder.threaded + " sum=" + sum);
      await decoder.close();`;
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: pkg });
      const [{ s }] = (await sql(`SELECT sum(id)::VARCHAR AS s FROM read_parquet(${q(path)})`)) as [
        { s: string },
      ];
      expect(stdout.trim()).toBe(`threaded=true sum=${s}`);
    },
  );
});
