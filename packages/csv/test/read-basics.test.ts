import { writeFile as fsWrite } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { typeNameOf } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { readFile, tempDir } from "./helpers.js";

async function file(name: string, content: string | Buffer) {
  const path = join(await tempDir(), name);
  await fsWrite(path, content);
  return path;
}

const types = (schema: { fields: Parameters<typeof typeNameOf>[0][] }) =>
  Object.fromEntries(schema.fields.map((f) => [f.name, typeNameOf(f)]));

describe("csv reading", () => {
  it("infers exact types and logs them", async () => {
    const path = await file(
      "t.csv",
      "i,big,huge,d,b,day,at,wall,s,n\n" +
        "1,9223372036854775807,99999999999999999999,1.5,true,2024-02-29,2024-01-01T12:00:00Z,2024-01-01 12:00:00.5,007,\n" +
        "-2,-9223372036854775808,1,-0.25,FALSE,1970-01-01,2024-01-01 12:00:00.123456+02:00,2024-01-01,x,\n",
    );
    const { schema, rows, logged } = await readFile(path);
    expect(types(schema)).toEqual({
      i: "int64",
      big: "int64",
      huge: "decimal(20, 0)",
      d: "decimal(3, 2)",
      b: "bool",
      day: "date",
      at: "timestamp[us, UTC]",
      wall: "timestamp[us]",
      s: "string",
      n: "string",
    });
    expect(rows[0]).toEqual({
      i: "1",
      big: "9223372036854775807",
      huge: "99999999999999999999",
      d: "1.50",
      b: true,
      day: "19782",
      at: "1704110400000000",
      wall: "1704110400500000",
      s: "007",
      n: null,
    });
    expect(rows[1]).toMatchObject({
      big: "-9223372036854775808",
      d: "-0.25",
      b: false,
      at: "1704103200123456",
    });
    expect(logged.join("\n")).toContain("i int64");
    expect(logged.join("\n")).toContain(path);
  });

  it("keeps sub-microsecond digits by inferring nanoseconds", async () => {
    const { schema, rows } = await readFile(await file("ns.csv", "t\n2024-01-01T00:00:00.000000001Z\n"));
    expect(types(schema)).toEqual({ t: "timestamp[ns, UTC]" });
    expect(rows[0]!.t).toBe("1704067200000000001");
  });

  it("reads declared types, and names columns without a header", async () => {
    const path = await file("h.csv", "1;2.50;x\n2;3;y");
    const { schema, rows } = await readFile(path, {
      header: false,
      delimiter: ";",
      columns: { id: "int32", amount: "decimal(18, 2)" },
    });
    expect(types(schema)).toEqual({ id: "int32", amount: "decimal(18, 2)", column3: "string" });
    expect(rows).toEqual([
      { id: 1, amount: "2.50", column3: "x" },
      { id: 2, amount: "3.00", column3: "y" },
    ]);
  });

  it("parses small decimals and int64 without BigInt exactly, negatives included", async () => {
    const path = await file(
      "small.csv",
      "a,b,c\n-0.01,-999999999999.999,-1\n9999999.99,999999999999.999,-4294967297\n-.5,0,999999999999999\n+1.,-0.000,-999999999999999\n",
    );
    const { rows } = await readFile(path, {
      columns: { a: "decimal(9, 2)", b: "decimal(15, 3)", c: "int64" },
    });
    expect(rows).toEqual([
      { a: "-0.01", b: "-999999999999.999", c: "-1" },
      { a: "9999999.99", b: "999999999999.999", c: "-4294967297" },
      { a: "-0.50", b: "0.000", c: "999999999999999" },
      { a: "1.00", b: "0.000", c: "-999999999999999" },
    ]);
    const over = await readFile(await file("over.csv", "a\n10000000.00\n"), {
      columns: { a: "decimal(9, 2)" },
    }).catch((e) => e);
    expect(over.message).toContain("more digits than decimal(9, 2)");
  });

  it("tells an empty string from a null (DuckDB's convention) and takes other null markers", async () => {
    const path = await file("n.csv", 'a,b\n"",\nNULL,"NULL"\n');
    expect((await readFile(path)).rows).toEqual([
      { a: "", b: null },
      { a: "NULL", b: "NULL" },
    ]);
    expect((await readFile(path, { null_values: ["NULL"] })).rows).toEqual([
      { a: "", b: "" },
      { a: null, b: "NULL" },
    ]);
    expect((await readFile(path, { quoted_nulls: true })).rows[0]).toEqual({ a: null, b: null });
  });

  it("reads gzip (by name and by magic bytes), latin1, a BOM, quotes, and no trailing newline", async () => {
    const text = 'a,b\n"x,""y""\nz",é\n2,🚀';
    for (const name of ["g.csv.gz", "g.csv"]) {
      const { rows } = await readFile(await file(name, gzipSync(text)));
      expect(rows).toEqual([
        { a: 'x,"y"\nz', b: "é" },
        { a: "2", b: "🚀" },
      ]);
    }
    expect((await readFile(await file("bom.csv", `\ufeff${text}`))).schema.fields[0]!.name).toBe("a");
    const latin = await readFile(await file("l.csv", Buffer.from("a,b\nçà,ÿ\n", "latin1")), {
      encoding: "latin1",
    });
    expect(latin.rows).toEqual([{ a: "çà", b: "ÿ" }]);
  });

  it("takes a backslash escape, and tells quoted empty fields from empty ones around it", async () => {
    const path = await file("esc.csv", 'a,b,c\n"x\\"y","",\n,"\\\\",""\n\n');
    expect((await readFile(path, { escape: "\\" })).rows).toEqual([
      { a: 'x"y', b: "", c: null },
      { a: null, b: "\\", c: "" },
    ]);
  });

  it("reads empty files and header-only files as no rows", async () => {
    const empty = await readFile(await file("e.csv", ""), { columns: { id: "int64" } });
    expect(empty.rows).toEqual([]);
    expect(types(empty.schema)).toEqual({ id: "int64" });
    const headerOnly = await readFile(await file("h.csv", "a,b\n"));
    expect(headerOnly.rows).toEqual([]);
    expect(headerOnly.schema.fields.map((f) => f.name)).toEqual(["a", "b"]);
  });

  it("splits rows into batches of batch_size", async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `${i},"multi\nline ${i}"`);
    const { batches, rows } = await readFile(await file("b.csv", `id,s\n${lines.join("\n")}\n`), {
      batch_size: 10,
    });
    expect(batches.map((b) => b.numRows)).toEqual([10, 10, 5]);
    expect(rows[24]).toEqual({ id: "24", s: "multi\nline 24" });
  });

  it("refuses a value beyond the sample that does not parse, naming file, line and column", async () => {
    const path = await file("bad.csv", 'id,v\n1,2\n2,3\n"3",4.5\n');
    const error = await readFile(path, { infer_rows: 2 }).catch((e) => e);
    expect(error.code).toBe("HOME_READ_FAILED");
    expect(error.message).toContain(`${path} line 4, column 2 (v int64)`);
    expect(error.hint).toContain("columns:");
    const decimals = await readFile(await file("d.csv", "v\n1.5\n1.25\n"), { infer_rows: 1 }).catch((e) => e);
    expect(decimals.message).toContain("line 3, column 1 (v decimal(2, 1))");
    // Lines are the file's, counting the line breaks inside quoted fields and empty lines.
    const multi = await readFile(await file("m.csv", 'id,s\r\n1,"a\r\nb"\r\n\r\nzz,x\r\n'), {
      columns: { id: "int64" },
    }).catch((e) => e);
    expect(multi.message).toContain("line 5, column 1 (id int64)");
  });

  it("refuses a declared timestamp without zone given an offset, and inexact precision", async () => {
    const offset = await readFile(await file("o.csv", "t\n2024-01-01T00:00:00+01:00\n"), {
      columns: { t: "timestamp[us]" },
    }).catch((e) => e);
    expect(offset.message).toContain("has a UTC offset");
    const ms = await readFile(await file("m.csv", "t\n2024-01-01T00:00:00.0001Z\n"), {
      columns: { t: "timestamp[ms, UTC]" },
    }).catch((e) => e);
    expect(ms.message).toContain("more precise");
  });

  it("reads a file mixing \\n, \\r\\n and \\r line ends, and keeps its line numbers", async () => {
    const path = await file("mixed.csv", 'id,s\r\n1,a\n2,"b\r\nc"\r3,d\r\n\nx,e\n');
    const error = await readFile(path, { columns: { id: "int64" } }).catch((e) => e);
    expect(error.message).toContain("line 7, column 1 (id int64)");
    const { rows } = await readFile(path);
    expect(rows).toEqual([
      { id: "1", s: "a" },
      { id: "2", s: "b\r\nc" },
      { id: "3", s: "d" },
      { id: "x", s: "e" },
    ]);
  });

  it("reads a string column's bytes as they are, invalid UTF-8 as U+FFFD like text", async () => {
    const path = await file(
      "bad-utf8.csv",
      Buffer.concat([Buffer.from("s,n\nok,1\n"), Buffer.from([0xff, 0x61]), Buffer.from(",2\n")]),
    );
    const { rows, batches } = await readFile(path, { columns: { s: "string" } });
    expect(rows).toEqual([
      { s: "ok", n: "1" },
      { s: "\ufffda", n: "2" },
    ]);
    // Arrow's strings must be valid UTF-8: the bytes themselves are replaced, not only on display.
    const bytes = batches[0]!.getChild("s")!.data[0]!.values as Uint8Array;
    expect(Buffer.from(bytes).toString("hex")).toBe(Buffer.from("ok\ufffda").toString("hex"));
  });

  it("takes a quote that is not one byte in the file's encoding (through csv-parse)", async () => {
    const text = "a,b\n§x,§§y§,\n§§,2\n";
    const expected = [
      { a: "x,§y", b: null },
      { a: "", b: "2" },
    ];
    // Two bytes in UTF-8: csv-parse reads it; one byte in latin1: the tokenizer does.
    expect((await readFile(await file("q8.csv", text), { quote: "§" })).rows).toEqual(expected);
    const latin = await readFile(await file("q1.csv", Buffer.from(text, "latin1")), {
      quote: "§",
      encoding: "latin1",
    });
    expect(latin.rows).toEqual(expected);
  });

  it("reports a malformed CSV with its line", async () => {
    const error = await readFile(await file("x.csv", "a,b\n1,2\n3,4,5\n")).catch((e) => e);
    expect(error.code).toBe("HOME_READ_FAILED");
    expect(error.message).toMatch(/x\.csv line 3/);
  });
});
