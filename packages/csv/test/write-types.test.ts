import { readFile as fsRead, writeFile as fsWrite } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { Field, Int32, List, makeData, RecordBatch, Schema, Struct, vectorFromArray } from "apache-arrow";
import { q, readFile, sql, tempDir, writeFile } from "./helpers.js";

describe("csv writing", () => {
  it("writes floats, times, uuids, binary (base64 or hex) and json so DuckDB reads the same values", async () => {
    const dir = await tempDir("types");
    const src = join(dir, "src.csv");
    await fsWrite(
      src,
      "f,f32,tm,u,bin,js,i32,ts_ms\n" +
        '0.1,0.5,23:59:59.999999,00000000-0000-0000-0000-000000000001,AP8=,"{""a"": [1, null]}",-2147483648,2024-01-01T00:00:00.123\n' +
        "-0,-1e30,00:00:00,ffffffff-ffff-ffff-ffff-ffffffffffff,,[],2147483647,1969-12-31T23:59:59.999\n" +
        '1e-300,inf,12:00:00.5,,"",,,\n',
    );
    const columns = {
      f: "float64",
      f32: "float32",
      tm: "time[us]",
      u: "uuid",
      bin: "binary",
      js: "json",
      i32: "int32",
      ts_ms: "timestamp[ms]",
    };
    const { schema, batches } = await readFile(src, { columns });
    for (const binary of ["base64", "hex"] as const) {
      const out = join(dir, `out-${binary}.csv`);
      await writeFile(out, schema, batches, { binary });
      const decode = binary === "hex" ? "unhex(bin)" : "from_base64(bin)";
      const rows = await sql(
        `SELECT f::VARCHAR f, f32::VARCHAR f32, tm::VARCHAR tm, u::VARCHAR u, hex(${decode}) bin, js::VARCHAR js, i32, ts_ms::VARCHAR ts_ms
         FROM read_csv(${q(out)}, allow_quoted_nulls = false, columns = {'f': 'DOUBLE', 'f32': 'FLOAT', 'tm': 'TIME', 'u': 'UUID',
           'bin': 'VARCHAR', 'js': 'JSON', 'i32': 'INTEGER', 'ts_ms': 'TIMESTAMP_MS'})`,
      );
      expect(rows).toEqual([
        {
          f: "0.1",
          f32: "0.5",
          tm: "23:59:59.999999",
          u: "00000000-0000-0000-0000-000000000001",
          bin: "00FF",
          js: '{"a": [1, null]}',
          i32: -2147483648,
          ts_ms: "2024-01-01 00:00:00.123",
        },
        {
          f: "-0.0",
          f32: "-1e+30",
          tm: "00:00:00",
          u: "ffffffff-ffff-ffff-ffff-ffffffffffff",
          bin: null,
          js: "[]",
          i32: 2147483647,
          ts_ms: "1969-12-31 23:59:59.999",
        },
        { f: "1e-300", f32: "inf", tm: "12:00:00.5", u: null, bin: "", js: null, i32: null, ts_ms: null },
      ]);
    }
    const hex = await fsRead(join(dir, "out-hex.csv"), "utf8");
    expect(hex.split("\n")[1]).toContain(",00ff,");
  });

  it("refuses lists unless nested: json, which writes their JSON text", async () => {
    const dir = await tempDir("lists");
    const list = vectorFromArray([[1, 2], null, []], new List(new Field("item", new Int32(), true)));
    const field = new Field("l", list.type, true);
    const schema = new Schema([field]);
    const batch = new RecordBatch(
      schema,
      makeData({ type: new Struct([field]), length: 3, nullCount: 0, children: [list.data[0]!] }),
    );
    const refused = await writeFile(join(dir, "a.csv"), schema, [batch]).catch((e) => e);
    expect(refused.code).toBe("STORE_WRITE_FAILED");
    expect(refused.message).toContain("column l");
    expect(refused.hint).toContain("nested: json");
    await writeFile(join(dir, "b.csv"), schema, [batch], { nested: "json" });
    expect(await fsRead(join(dir, "b.csv"), "utf8")).toBe('l\n"[1,2]"\n\n[]\n');
  });

  it("quotes only where needed, and quotes strings equal to a custom null marker", async () => {
    const dir = await tempDir("quote");
    const src = join(dir, "src.csv");
    await fsWrite(src, 'a,b\nplain,"x;y"\n"NULL",\n"",z\n');
    const { schema, batches } = await readFile(src);
    const out = join(dir, "out.csv");
    await writeFile(out, schema, batches, { null_value: "NULL", delimiter: ";" });
    expect(await fsRead(out, "utf8")).toBe('a;b\nplain;"x;y"\n"NULL";NULL\n"";z\n');
    expect((await readFile(out, { delimiter: ";", null_values: ["NULL"] })).rows).toEqual([
      { a: "plain", b: "x;y" },
      { a: "NULL", b: null },
      { a: "", b: "z" },
    ]);
  });

  it("writes a header even for a file without rows", async () => {
    const dir = await tempDir("empty");
    const schema = new Schema([new Field("a", vectorFromArray([1]).type, true)]);
    await writeFile(join(dir, "e.csv"), schema, []);
    expect(await fsRead(join(dir, "e.csv"), "utf8")).toBe("a\n");
  });
});
