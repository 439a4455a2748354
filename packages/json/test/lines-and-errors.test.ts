import { writeFile as fsWrite } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "@jest/globals";
import { infoLines, readFile, tempDir } from "./helpers.js";

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(await tempDir(), name);
  await fsWrite(path, content);
  return path;
}

describe("NDJSON lines", () => {
  it("skips blank lines, accepts CRLF and a last line without newline, spans batches", async () => {
    const path = await file("a.ndjson", '\uFEFF{"a": 1}\r\n\n   \n{"a": 2}\n{"a": 3}\n{"a": 4}\n{"a": 5}');
    const { batches, rows } = await readFile(path, { batch_size: 2 });
    expect(batches.map((b) => b.numRows)).toEqual([2, 2, 1]);
    expect(rows.map((r) => r.a)).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("reads an empty file as no rows", async () => {
    const { schema, batches } = await readFile(await file("e.ndjson", ""), { columns: { a: "int64" } });
    expect(schema.fields.map((f) => f.name)).toEqual(["a"]);
    expect(batches).toEqual([]);
  });

  it("recognises gzip by its magic bytes even without .gz", async () => {
    const { rows } = await readFile(await file("z.ndjson", gzipSync('{"a": "x"}\n{"a": "y"}\n')));
    expect(rows).toEqual([{ a: "x" }, { a: "y" }]);
  });
});

describe("NDJSON inference", () => {
  it("infers exact types, reports them, and keeps integers beyond 2^53", async () => {
    infoLines.length = 0;
    const path = await file(
      "i.ndjson",
      [
        '{"id": 9007199254740993, "f": 1.5, "d": 0.1000000000000000001, "huge": 123456789012345678901234567890, "s": "2024-01-01", "n": null, "o": {"k": [1, 2]}}',
        '{"id": -9223372036854775808, "f": 2, "d": 1, "huge": 1, "s": "x", "o": {"k": [], "z": true}}',
      ].join("\n"),
    );
    const { schema, rows } = await readFile(path);
    expect(schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "id:Int64",
      "f:Float64",
      "d:Decimal[38e+19]",
      "huge:Decimal[38e0]",
      "s:Utf8",
      "n:Utf8",
      "o:Struct<{k:List<Int64>, z:Bool}>",
    ]);
    expect(rows[0]).toMatchObject({
      id: "9007199254740993",
      d: "0.1000000000000000001",
      huge: "123456789012345678901234567890",
    });
    expect(rows[1]).toMatchObject({ id: "-9223372036854775808", f: 2, o: { k: [], z: true } });
    expect(infoLines.join("\n")).toContain("id: int64, f: float64, d: decimal(38, 19)");
  });

  it("refuses a key holding numbers and strings, naming file, line and key", async () => {
    const path = await file("m.ndjson", '{"a": {"b": 1}}\n{"a": {"b": "x"}}\n');
    await expect(readFile(path)).rejects.toMatchObject({
      code: "HOME_READ_FAILED",
      message: expect.stringContaining(`${path} line 2: key a.b holds both numbers and strings`),
      hint: expect.stringContaining("columns:"),
    });
  });
});

describe("NDJSON values that do not fit", () => {
  it("names the file, the line and the key path", async () => {
    const path = await file("v.ndjson", '{"a": {"b": [1, 2]}}\n{"a": {"b": [3, 4.5]}}\n');
    await expect(readFile(path, { infer_rows: 1 })).rejects.toMatchObject({
      code: "HOME_READ_FAILED",
      message: `${path} line 2, key a.b[1]: 4.5 is not an integer (int64)`,
    });
  });

  it("refuses decimals with more digits than declared, and out-of-range integers", async () => {
    const dec = await file("d.ndjson", '{"a": 1.25}\n{"a": 1.255}\n');
    await expect(readFile(dec, { columns: { a: "decimal(9, 2)" } })).rejects.toThrow(
      `${dec} line 2, key a: 1.255 is not a decimal(9, 2): it has more than 2 decimals`,
    );
    const int = await file("i.ndjson", '{"a": 9223372036854775808}\n');
    await expect(readFile(int, { columns: { a: "int64" } })).rejects.toThrow(
      "key a: 9223372036854775808 is not within int64",
    );
  });

  it("refuses timestamps without an offset in a zoned column", async () => {
    const path = await file("t.ndjson", '{"t": "2024-01-01T00:00:00Z"}\n{"t": "2024-01-01 00:00:00"}\n');
    await expect(readFile(path, { columns: { t: "timestamp[us, UTC]" } })).rejects.toThrow(
      `${path} line 2, key t: "2024-01-01 00:00:00" is not an instant: it has no offset`,
    );
  });

  it("refuses keys beyond the sample unless told to ignore them", async () => {
    const path = await file("k.ndjson", '{"a": 1}\n{"a": 2, "extra": 3}\n');
    await expect(readFile(path, { infer_rows: 1 })).rejects.toThrow(
      `${path} line 2, key extra: is not in the schema`,
    );
    const { rows } = await readFile(path, { infer_rows: 1, unknown_keys: "ignore" });
    expect(rows).toEqual([{ a: "1" }, { a: "2" }]);
  });

  it("refuses a line that is not JSON, naming it", async () => {
    const path = await file("j.ndjson", '{"a": 1}\n{"a": \n');
    await expect(readFile(path, { columns: { a: "int64" } })).rejects.toThrow(
      `${path} line 2: not valid JSON`,
    );
  });
});
