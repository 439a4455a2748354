import { createRequire } from "node:module";
import { compareCodePoints } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { mssqlSql } from "../src/mssql/mssql-sql.js";
import { mssqlReadPlan } from "../src/mssql/mssql-types.js";

const fromTedious = createRequire(
  createRequire(createRequire(import.meta.url).resolve("mssql")).resolve("tedious"),
);
const iconv = fromTedious("iconv-lite") as { decode(bytes: Buffer, codepage: string): string };
const { Collation } = fromTedious("./collation") as {
  Collation: { fromBuffer(b: Buffer): { codepage?: string } };
};

describe("SQL Server reads: code-page text is converted by SQL Server, never by tedious", () => {
  it("shows why: tedious decodes varchar with iconv-lite, which turns cp1252's 0x81 into U+FFFD", () => {
    // Latin1_General_CI_AS: LCID 0x0409, sort id 0 → code page 1252 in tedious' table.
    const latin1 = Collation.fromBuffer(Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x00]));
    expect(latin1.codepage).toBe("CP1252");
    expect(iconv.decode(Buffer.from([0x41, 0x81, 0x42]), latin1.codepage!)).toBe("A\uFFFDB");
  });

  it("selects char, varchar and text as nvarchar, so SQL Server's own code page table decodes them", () => {
    const expression = (type: string, length?: number) =>
      mssqlReadPlan({ name: "c", type, length }).expression("hygge_q.[c]");
    expect(expression("varchar", 20)).toBe("CONVERT(nvarchar(20), hygge_q.[c])");
    expect(expression("char", 5)).toBe("CONVERT(nvarchar(5), hygge_q.[c])");
    expect(expression("varchar", 4000)).toBe("CONVERT(nvarchar(4000), hygge_q.[c])");
    expect(expression("varchar", 8000)).toBe("CONVERT(nvarchar(max), hygge_q.[c])");
    expect(expression("varchar", 65535)).toBe("CONVERT(nvarchar(max), hygge_q.[c])"); // varchar(max)
    expect(expression("text", 2147483647)).toBe("CONVERT(nvarchar(max), hygge_q.[c])");
    // UTF-16 types are read as tedious receives them.
    expect(expression("nvarchar", 40)).toBe("hygge_q.[c]");
    expect(expression("nchar", 10)).toBe("hygge_q.[c]");
  });

  it("still refuses a lone surrogate in converted text", () => {
    const builder = mssqlReadPlan({ name: "c", type: "varchar", length: 5 }).builder(4);
    expect(() => builder.push("a\uD800")).toThrow(/column "c" holds a string with a lone UTF-16 surrogate/);
  });
});

describe("SQL Server incremental reads: string watermarks compare the column's own characters", () => {
  it("converts the column to nvarchar before the binary collation (COLLATE would re-encode a varchar to cp1252)", () => {
    const statement = mssqlSql.select({ table: { schema: "dbo", name: "t" } }, ["id", "name"], {
      column: "name",
      kind: "string",
      value: "Жук",
    });
    const column = "CONVERT(nvarchar(max), [name]) COLLATE Latin1_General_BIN2";
    expect(statement.text).toBe(
      `SELECT [id], [name] FROM [dbo].[t] WHERE (${column} >= @p1 OR SUBSTRING(${column}, 1, DATALENGTH(@p1) / 2) = @p1)`,
    );
    expect(statement.params).toEqual(["Жук"]);
    const integer = mssqlSql.select({ table: { name: "t" } }, undefined, {
      column: "id",
      kind: "integer",
      value: "9",
    });
    expect(integer.text).toBe("SELECT * FROM [t] WHERE [id] >= @p1");
  });

  it("selects every value the engine keeps, though SQL Server pads the shorter string with spaces", () => {
    // SQL Server's comparison under a binary collation: code units, the shorter side space-padded.
    const pad = (a: string, b: string) => {
      const n = Math.max(a.length, b.length);
      const [x, y] = [a.padEnd(n, " "), b.padEnd(n, " ")];
      return x < y ? -1 : x > y ? 1 : 0;
    };
    const before = (r: string, w: string) => pad(r, w) >= 0;
    const after = (r: string, w: string) => pad(r, w) >= 0 || pad(r.slice(0, w.length), w) === 0;
    const watermarks = ["abc", "ab ", "a\t", ""];
    const values = ["abc", "abc\t", "abc\n x", "abc ", "abd", "ab", "ab \u0000", "a\t\u0001", "b", "\t"];
    const kept = (w: string) => values.filter((r) => r >= w); // the engine's own rule
    for (const w of watermarks) {
      expect({ w, selected: values.filter((r) => after(r, w)).filter((r) => r >= w) }).toEqual({
        w,
        selected: kept(w),
      });
    }
    // The plain comparison loses values extending the watermark with a control character.
    expect(values.filter((r) => r >= "abc" && !before(r, "abc"))).toEqual(["abc\t", "abc\n x"]);
  });

  it("selects supplementary characters after a watermark in U+E000–U+FFFF (code units and code points disagree there)", () => {
    const plain = mssqlSql.select({ table: { name: "t" } }, undefined, {
      column: "s",
      kind: "string",
      value: "abc",
    });
    expect(plain.text).not.toContain("PATINDEX");
    const statement = mssqlSql.select({ table: { name: "t" } }, undefined, {
      column: "s",
      kind: "string",
      value: "a\uE000",
    });
    expect(statement.text).toContain(
      "PATINDEX(N'%[' + NCHAR(55296) + N'-' + NCHAR(56319) + N']%', CONVERT(nvarchar(max), [s]) COLLATE Latin1_General_BIN2) > 0",
    );
    // A model of SQL Server (space-padded code-unit order) plus the surrogate clause against the
    // engine's code-point rule: every value the engine keeps is selected.
    const pad = (a: string, b: string) => {
      const n = Math.max(a.length, b.length);
      const [x, y] = [a.padEnd(n, " "), b.padEnd(n, " ")];
      return x < y ? -1 : x > y ? 1 : 0;
    };
    const hasSurrogate = (r: string) => /[\uD800-\uDBFF]/.test(r);
    const selected = (r: string, w: string) =>
      pad(r, w) >= 0 || pad(r.slice(0, w.length), w) === 0 || (/[\uE000-\uFFFF]/.test(w) && hasSurrogate(r));
    const values = ["a\u{1F600}", "a\uE000", "a\uFFFD", "a\uD7FF", "b", "a", "\u{10000}", "\uE001"];
    for (const w of ["a\uE000", "\uE000", "a\uFFFF", "abc"]) {
      const kept = values.filter((r) => compareCodePoints(r, w) >= 0);
      expect({ w, selected: values.filter((r) => selected(r, w) && compareCodePoints(r, w) >= 0) }).toEqual({
        w,
        selected: kept,
      });
    }
    // Without the clause, the emoji after "a\uE000" would be lost.
    expect(pad("a\u{1F600}", "a\uE000")).toBe(-1);
    expect(compareCodePoints("a\u{1F600}", "a\uE000")).toBeGreaterThan(0);
  });
});
