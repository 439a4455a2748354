import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { isHyggeError, runFlow } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { ByteWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { describeTypes, makeHome, makeStore, q, sql, tempDir } from "./helpers.js";

/**
 * INT96 becomes an Arrow timestamp in microseconds (no zone) and is written back as an INT64
 * TIMESTAMP(MICROS, isAdjustedToUTC=false). The files are written here byte by byte (DuckDB and
 * hyparquet-writer do not write INT96).
 */
const JULIAN_EPOCH = 2440588n;
const DAY_US = 86_400_000_000n;

/** The 12 bytes of an INT96 timestamp: nanoseconds of the day (int64), Julian day (int32). */
function int96(micros: bigint, extraNanos = 0n): Buffer {
  const days = micros >= 0n ? micros / DAY_US : -((-micros + DAY_US - 1n) / DAY_US);
  const out = Buffer.alloc(12);
  out.writeBigInt64LE((micros - days * DAY_US) * 1000n + extraNanos, 0);
  out.writeInt32LE(Number(days + JULIAN_EPOCH), 8);
  return out;
}

/** A one-column Parquet file of INT96 values (null = a null row), one uncompressed PLAIN data page. */
async function int96File(dir: string, values: (Buffer | null)[], name = "int96.parquet"): Promise<string> {
  const w = new ByteWriter();
  w.appendUint32(0x31524150);
  const groups = Math.ceil(values.length / 8);
  const bits = Buffer.alloc(groups);
  values.forEach((v, i) => {
    if (v) bits[i >> 3]! |= 1 << (i & 7);
  });
  const header: number[] = [];
  for (let v = (groups << 1) | 1; ; v >>>= 7) {
    if (v < 0x80) {
      header.push(v);
      break;
    }
    header.push((v & 0x7f) | 0x80);
  }
  const levels = Buffer.concat([Buffer.from(header), bits]); // one bit-packed run
  const length = Buffer.alloc(4);
  length.writeUInt32LE(levels.length);
  const body = Buffer.concat([length, levels, ...values.filter((v): v is Buffer => v !== null)]);
  const start = w.offset;
  writePageHeader(w, {
    type: "DATA_PAGE",
    uncompressed_page_size: body.length,
    compressed_page_size: body.length,
    data_page_header: {
      num_values: values.length,
      encoding: "PLAIN",
      definition_level_encoding: "RLE",
      repetition_level_encoding: "RLE",
    },
  } as never);
  w.appendBytes(body);
  const size = BigInt(w.offset - start);
  const rows = BigInt(values.length);
  writeMetadata(w, {
    version: 1,
    schema: [
      { name: "spark_schema", num_children: 1 },
      { name: "a", type: "INT96", repetition_type: "OPTIONAL" },
    ],
    num_rows: rows,
    row_groups: [
      {
        columns: [
          {
            file_offset: BigInt(start),
            meta_data: {
              type: "INT96",
              encodings: ["PLAIN", "RLE"],
              path_in_schema: ["a"],
              codec: "UNCOMPRESSED",
              num_values: rows,
              total_uncompressed_size: size,
              total_compressed_size: size,
              data_page_offset: BigInt(start),
            },
          },
        ],
        total_byte_size: size,
        num_rows: rows,
      },
    ],
  } as never);
  w.appendUint32(0x31524150);
  const path = join(dir, name);
  await writeFile(path, new Uint8Array(w.getBuffer()));
  return path;
}

/** The values of Spark's int96_from_spark.parquet (its README), the last one as Spark meant it. */
const SPARK_MICROS = [
  1704141296123456n,
  1704070800000000n,
  253402225200000000n,
  1735599600000000n,
  null,
  9089380393200000000n,
];

const copy = (src: string, dest: string) =>
  runFlow({
    flow: "int96",
    home: makeHome("/", undefined, { path: src }),
    store: makeStore("/", undefined, { path: dest }),
  });

describe("INT96 timestamps", () => {
  it("keep every Spark value exactly as microseconds, far beyond the nanosecond range", async () => {
    const dir = await tempDir("int96");
    // 290000-12-31T01:00:00+02:00, the value Spark itself could not write.
    const src = await int96File(
      dir,
      SPARK_MICROS.map((us) => (us === null ? null : int96(us))),
    );
    await copy(src, join(dir, "out"));
    const out = `read_parquet(${q(join(dir, "out", "*.parquet"))})`;
    expect(await describeTypes(`SELECT * FROM ${out}`)).toEqual(["a:TIMESTAMP"]);
    expect(await sql(`SELECT epoch_us(a)::VARCHAR AS us, a::VARCHAR AS at FROM ${out}`)).toEqual([
      { us: "1704141296123456", at: "2024-01-01 20:34:56.123456" },
      { us: "1704070800000000", at: "2024-01-01 01:00:00" },
      { us: "253402225200000000", at: "9999-12-31 03:00:00" },
      { us: "1735599600000000", at: "2024-12-30 23:00:00" },
      { us: null, at: null },
      { us: "9089380393200000000", at: "290000-12-30 23:00:00" },
    ]);
    // DuckDB reads the source the same way.
    expect(await sql(`SELECT a::VARCHAR AS at FROM read_parquet(${q(src)})`)).toEqual(
      await sql(`SELECT a::VARCHAR AS at FROM ${out}`),
    );
  });

  it("refuse a value with a sub-microsecond part, naming the file, column and value", async () => {
    const dir = await tempDir("int96-ns");
    const src = await int96File(dir, [int96(1704070800000000n), int96(1704070800000000n, 1n)]);
    const error = await copy(src, join(dir, "out")).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
    expect((error as Error).message).toContain(src);
    expect((error as Error).message).toContain(
      'column "a", row group 0: INT96 timestamp 2024-01-01T01:00:00.000000001Z has a sub-microsecond part (1 ns)',
    );
  });

  const dist = fileURLToPath(new URL("../dist/read/decode-worker.js", import.meta.url));
  (existsSync(dist) ? it : it.skip)(
    "refused in the decoder worker thread (from the build) with the same message and hint",
    async () => {
      const dir = await tempDir("int96-worker");
      const many = Array.from({ length: 100_000 }, (_, i) => int96(1704070800000000n + BigInt(i)));
      await mkdir(join(dir, "src"));
      await int96File(join(dir, "src"), many, "a.parquet");
      const bad = join(dir, "src", "b.parquet");
      await int96File(join(dir, "src"), [...many, int96(0n, 999n)], "b.parquet");
      const pkg = fileURLToPath(new URL("..", import.meta.url));
      const script = `
      import { Registry, runFlow } from "@hygge/core";
      import plugin from ${JSON.stringify(join(pkg, "dist", "index.js"))};
      const homes = new Registry([plugin]).home("parquet").definition;
      const stores = new Registry([plugin]).store("parquet").definition;
      const ctx = { flow: "w", projectDir: ${JSON.stringify(dir)}, connections: {}, resources: { get: async (_k, c) => c() }, logger: { debug() {}, info() {}, warn() {} } };
      const home = homes.create(homes.options.parse({ path: "src" }), ctx);
      const store = stores.create(stores.options.parse({ path: "out" }), ctx);
      const { RowGroupDecoder } = await import(${JSON.stringify(join(pkg, "dist", "read", "row-groups.js"))});
      const probe = new RowGroupDecoder(await home.schema({ signal: new AbortController().signal, flow: "w", runType: "full_drop" }), undefined);
      console.log("threaded=" + probe.threaded);
      await probe.close();
      try { await runFlow({ flow: "w", home, store }); console.log("copied"); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })); }`;
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
        cwd: pkg,
      });
      expect(stdout).toContain("threaded=true");
      expect(stdout).not.toContain("copied");
      const error = JSON.parse(stdout.split("\n").find((l) => l.startsWith("{"))!);
      expect(error.code).toBe("HOME_READ_FAILED");
      expect(error.message).toContain(bad);
      expect(error.message).toContain(
        'column "a", row group 0: INT96 timestamp 1970-01-01T00:00:00.000000999Z has a sub-microsecond part (999 ns)',
      );
      expect(error.hint).toMatch(/refuses values it cannot carry exactly/);
    },
    120_000,
  );
});
