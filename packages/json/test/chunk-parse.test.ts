import { writeFile as fsWrite } from "node:fs/promises";
import { join } from "node:path";
import { wordsToBigInt } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { isLosslessNumber } from "lossless-json";
import { parseChunk } from "../src/parse-chunk.js";
import { readFile, tempDir } from "./helpers.js";

async function file(name: string, content: string): Promise<string> {
  const path = join(await tempDir("json-chunk"), name);
  await fsWrite(path, content);
  return path;
}

/** Numbers as their text (LosslessNumber keeps its literal), to compare values exactly. */
const plain = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_k, v) => (isLosslessNumber(v) ? `#${v.value}` : v)));

describe("parseChunk: many lines in one JSON.parse", () => {
  it("gives each line's value, and keeps risky literals exact outside strings only", () => {
    const lines = [
      '{"a": 1, "b": "x", "c": [1.5, null, true]}',
      '{"id": 9007199254740993, "s": "12345678901234567890", "e": 1e400, "t": 1e-400, "n": [-12345678901234567.25]}',
      '{"__proto__": 123456789012345678901, "k": {"d": 0.1000000000000000001}}',
    ];
    const values = parseChunk(lines)!;
    expect(values).toHaveLength(3);
    expect(values[0]).toEqual(JSON.parse(lines[0]!));
    expect(plain(values[1])).toEqual({
      id: "#9007199254740993",
      s: "12345678901234567890", // a string, even with 20 digits
      e: "#1e400",
      t: "#1e-400",
      n: ["#-12345678901234567.25"],
    });
    const third = values[2] as Record<string, unknown>;
    expect(Object.getPrototypeOf(third)).toBe(Object.prototype); // "__proto__" stayed a key
    expect(Object.keys(third)).toEqual(["__proto__", "k"]);
    expect(plain(third)).toEqual({
      ["__proto__"]: "#123456789012345678901",
      k: { d: "#0.1000000000000000001" },
    });
  });

  it("cannot vouch (undefined) when a bad line would parse as part of the chunk", () => {
    // Two halves of an object and a line of two objects: three values for three lines.
    expect(parseChunk(['{"a":[{}', "{}]}", "{},{}"])).toBeUndefined();
    // A line holding the separator's own string.
    expect(parseChunk(['{"a":1},"\\u0001",{"b":2}', '{"c":3}'])).toBeUndefined();
    // A risky literal as a key, and one that is not a JSON number: as strings they would be valid.
    expect(parseChunk(['{"a":1}', "{12345678901234567:1}"])).toBeUndefined();
    expect(parseChunk(['{"a":012345678901234567}'])).toBeUndefined();
    // A line that is simply not JSON.
    expect(parseChunk(['{"a":1}', '{"a":'])).toBeUndefined();
    // Control: the same shapes, valid, are read.
    expect(parseChunk(['{"a":[{},{}]}', "{}", '{"b":"\\u0002"}'])).toEqual([
      { a: [{}, {}] },
      {},
      { b: "\u0002" },
    ]);
  });
});

describe("NDJSON reading in chunks", () => {
  // Lines enough for several stream chunks (64 KiB each) and batches.
  const many = (n: number, line: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => line(i)).join("\n");

  it("names exactly the bad line inside a chunk that parsed as a whole", async () => {
    // Lines 2001 and 2002 are each invalid but joined they are one object, and line 2101 is two
    // objects: in one chunk (about 64 KiB of these short lines) the count of values matches.
    const lines = many(5000, (i) => `{"a": ${i}, "s": "row ${i}"}`).split("\n");
    lines[2000] = '{"a": [{}';
    lines[2001] = '{}], "s": "x"}';
    lines[2100] = '{"a": 1}, {"a": 2}';
    const path = await file("bad.ndjson", `${lines.join("\n")}\n`);
    await expect(readFile(path, { columns: { a: "json", s: "string" } })).rejects.toThrow(
      `${path} line 2001: not valid JSON`,
    );
    lines[2000] = '{"a": 0}';
    lines[2001] = '{"a": 0}';
    const again = await file("bad2.ndjson", `${lines.join("\n")}\n`);
    await expect(readFile(again, { columns: { a: "json", s: "string" } })).rejects.toThrow(
      `${again} line 2101: not valid JSON`,
    );
  });

  it("keeps integers beyond 2^53 and long decimals exact across chunks and batches", async () => {
    const big = (i: number) => (9007199254740993n + BigInt(i) * 1_000_003n) * (i % 2 ? -1n : 1n);
    const path = await file(
      "big.ndjson",
      many(
        6000,
        (i) =>
          `{"id": ${big(i)}, "d": ${i}.${String(i).padStart(20, "0")}, "s": "${big(i)}", "small": ${i % 7 === 0 ? -(2 ** 33) - i : i}}`,
      ),
    );
    const { rows, schema } = await readFile(path, { batch_size: 1000 });
    expect(schema.fields.map((f) => `${f.name} ${f.type}`)).toEqual([
      "id Int64",
      "d Decimal[38e+20]",
      "s Utf8",
      "small Int64",
    ]);
    expect(rows).toHaveLength(6000);
    for (const i of [0, 1, 2999, 4321, 5999]) {
      expect(rows[i]!.id).toBe(String(big(i)));
      expect(rows[i]!.d).toBe(`${i}.${String(i).padStart(20, "0")}`);
      expect(rows[i]!.s).toBe(String(big(i)));
      expect(rows[i]!.small).toBe(String(i % 7 === 0 ? -(2 ** 33) - i : i));
    }
  });

  it("reads a line whose strings hold the separator's or the mark's characters", async () => {
    const path = await file(
      "esc.ndjson",
      many(3000, (i) =>
        i === 1500 ? '{"s": "\\u0001\\u0000", "n": 12345678901234567890}' : `{"s": "r${i}", "n": ${i}}`,
      ),
    );
    const { rows } = await readFile(path, { columns: { n: "decimal(38, 0)" } });
    expect(rows[1500]).toEqual({ s: "\u0001\u0000", n: "12345678901234567890" });
    expect(rows[1499]).toEqual({ s: "r1499", n: "1499" });
  });

  it("reads keys named like Object.prototype's own and inherited members, present or missing", async () => {
    const path = await file(
      "proto.ndjson",
      '{"toString": "a", "__proto__": 1, "constructor": null}\n{"x": 2}\n{"__proto__": 12345678901234567890}\n',
    );
    const { rows, batches } = await readFile(path, {
      columns: { toString: "string", constructor: "string", x: "int64" }, // (a "__proto__" option key is dropped)
    });
    expect(rows.map((r) => [r.toString, r.constructor, r.x])).toEqual([
      ["a", null, null],
      [null, null, "2"],
      [null, null, null],
    ]);
    // toRows cannot show a "__proto__" key: read the column (inferred decimal(38, 0)) itself.
    const proto = batches[0]!.getChild("__proto__")!;
    expect(proto.type.toString()).toBe("Decimal[38e0]");
    const words = proto.data[0]!.values as Uint32Array;
    expect([0, 1, 2].map((i) => proto.isValid(i) && wordsToBigInt(words, i * 4, 4))).toEqual([
      1n,
      false,
      12345678901234567890n,
    ]);
    const extra = await file("proto2.ndjson", '{"a": 1}\n{"a": 2, "__proto__": 3}\n');
    await expect(readFile(extra, { infer_rows: 1 })).rejects.toThrow(
      `${extra} line 2, key __proto__: is not in the schema`,
    );
  });

  it("fills flat columns of every width, with nulls and multi-byte text, past their first capacity", async () => {
    const n = 5000;
    const text = (i: number) => (i % 5 === 0 ? null : `é${"😀".repeat(i % 300)}${i}`);
    const lines = Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        i8: i % 11 === 0 ? null : (i % 256) - 128,
        u16: i % 65536,
        i32: i % 13 === 0 ? null : -2147483648 + i,
        u32: 4294967295 - i,
        i64: i % 2 ? -(2 ** 53) + 1 + i : 2 ** 32 + i,
        f32: i % 7 === 0 ? null : i + 0.5,
        f64: i / 8,
        b: i % 3 === 0 ? null : i % 2 === 0,
        s: text(i),
      }),
    );
    const path = await file("widths.ndjson", `${lines.join("\n")}\n`);
    const { rows } = await readFile(path, {
      batch_size: 4096,
      columns: {
        i8: "int8",
        u16: "uint16",
        i32: "int32",
        u32: "uint32",
        i64: "int64",
        f32: "float32",
        f64: "float64",
        b: "bool",
        s: "string",
      },
    });
    expect(rows).toHaveLength(n);
    for (let i = 0; i < n; i++) {
      // toRows: int64 as decimal text, narrower integers as numbers.
      const want = { ...JSON.parse(lines[i]!), i64: String(JSON.parse(lines[i]!).i64) };
      const got = rows[i]!;
      if (Object.keys(want).some((key) => got[key] !== want[key]))
        expect({ line: i + 1, got }).toEqual({ line: i + 1, got: want });
    }
  });
});
