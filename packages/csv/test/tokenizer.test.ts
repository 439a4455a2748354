import { describe, expect, it } from "@jest/globals";
import { Tokenizer, type TokenizerOptions } from "../src/tokenizer.js";

const DEFAULTS: TokenizerOptions = {
  delimiter: ",",
  quote: '"',
  escape: '"',
  encoding: "utf8",
  null_values: [""],
  quoted_nulls: false,
};

interface Tokens {
  rows: (string | null)[][];
  lines: number[];
}

/** The records of `input` fed in chunks of `size` bytes (0: whole), as text, with their lines. */
function tokenize(input: Buffer, size: number, options: Partial<TokenizerOptions> = {}): Tokens {
  const tokenizer = new Tokenizer({ ...DEFAULTS, ...options }, "mem.csv");
  const out: Tokens = { rows: [], lines: [] };
  const drain = () => {
    while (tokenizer.next()) {
      out.rows.push(Array.from({ length: tokenizer.count }, (_, c) => tokenizer.text(c)));
      out.lines.push(tokenizer.line);
    }
  };
  const step = size || input.length || 1;
  // Copies, so that no chunk shares memory with the next (as a stream's chunks need not).
  for (let at = 0; at < input.length; at += step) {
    tokenizer.feed(Buffer.from(input.subarray(at, at + step)));
    drain();
  }
  tokenizer.end();
  drain();
  return out;
}

/** The same records whatever the chunk boundaries: whole, and in chunks of 1 to 7 bytes. */
function expectTokens(input: string | Buffer, expected: Tokens, options: Partial<TokenizerOptions> = {}) {
  const bytes = typeof input === "string" ? Buffer.from(input) : input;
  for (const size of [0, 1, 2, 3, 4, 5, 6, 7]) {
    expect({ size, ...tokenize(bytes, size, options) }).toEqual({ size, ...expected });
  }
}

describe("csv tokenizer, whatever the chunk boundaries", () => {
  it("reads quoted fields cut anywhere, delimiters and line breaks inside them", () => {
    expectTokens('a,"b,c"\n"x\ny",z\n"",end', {
      rows: [
        ["a", "b,c"],
        ["x\ny", "z"],
        ["", "end"],
      ],
      lines: [1, 2, 4],
    });
  });

  it("reads doubled quotes at every chunk edge", () => {
    expectTokens('"""",""""""\n"a""","""b"\n', {
      rows: [
        ['"', '""'],
        ['a"', '"b'],
      ],
      lines: [1, 2],
    });
  });

  it("reads CRLF cut between CR and LF, and mixed line endings in one file", () => {
    expectTokens("a,b\r\n1,2\r\n3,4\n5,6\r7,8\r\n", {
      rows: [
        ["a", "b"],
        ["1", "2"],
        ["3", "4"],
        ["5", "6"],
        ["7", "8"],
      ],
      lines: [1, 2, 3, 4, 5],
    });
    // A trailing CR ends the last record.
    expectTokens("x\r", { rows: [["x"]], lines: [1] });
  });

  it("keeps multi-byte UTF-8 characters cut by a chunk whole, and skips a BOM cut too", () => {
    expectTokens('\ufeffé,🚀\n日本,"語\n✓"\n', {
      rows: [
        ["é", "🚀"],
        ["日本", "語\n✓"],
      ],
      lines: [1, 2],
    });
  });

  it("reads empty fields at the end of a line as nulls, and quoted empty ones as empty strings", () => {
    expectTokens('a,b,\n,,\n1,"",\n,', {
      rows: [
        ["a", "b", null],
        [null, null, null],
        ["1", "", null],
        [null, null],
      ],
      lines: [1, 2, 3, 4],
    });
  });

  it("skips empty lines and keeps the file's line numbers, line breaks in quotes counted", () => {
    expectTokens('h\n\n1,"a\r\nb"\r\n\r\n\n2,"c\rd"\n3', {
      rows: [["h"], ["1", "a\r\nb"], ["2", "c\rd"], ["3"]],
      lines: [1, 3, 7, 9],
    });
  });

  it("takes a backslash escape cut from the character it escapes", () => {
    expectTokens('"x\\"y","\\\\",\\n\n', { rows: [['x"y', "\\", "\\n"]], lines: [1] }, { escape: "\\" });
  });

  it("takes a delimiter of several characters cut between chunks", () => {
    expectTokens(
      'a||b\n1||2|3||\n"q"||"|"||x\n',
      {
        rows: [
          ["a", "b"],
          ["1", "2|3", null],
          ["q", "|", "x"],
        ],
        lines: [1, 2, 3],
      },
      { delimiter: "||" },
    );
  });

  it("decodes latin1, and finds null markers by their bytes", () => {
    expectTokens(
      Buffer.from('ç,NULL,"NULL",\\N\nà,ÿ,x,y\n', "latin1"),
      {
        rows: [
          ["ç", null, "NULL", null],
          ["à", "ÿ", "x", "y"],
        ],
        lines: [1, 2],
      },
      { encoding: "latin1", null_values: ["NULL", "\\N"] },
    );
    expectTokens(
      '"NULL",NULL\n',
      { rows: [[null, null]], lines: [1] },
      {
        null_values: ["NULL"],
        quoted_nulls: true,
      },
    );
  });

  it("refuses an unclosed quote, a quote inside an unquoted field, and text after a closing quote", () => {
    for (const size of [0, 1, 3]) {
      expect(() => tokenize(Buffer.from('a\n"b\nc'), size)).toThrow(
        "mem.csv line 3: a quoted field is not closed",
      );
      expect(() => tokenize(Buffer.from('a\n1,b"c\n'), size)).toThrow(
        "mem.csv line 2: a quote inside unquoted field 2",
      );
      expect(() => tokenize(Buffer.from('a\n\n"x\ny"z\n'), size)).toThrow(
        'mem.csv line 4: a closing quote is followed by "z"',
      );
    }
  });

  it("reads a quoted field far larger than a chunk in linear time", () => {
    const big = "x".repeat(3_000_000);
    const input = Buffer.from(`a,"${big}"\n1,2\n`);
    const tokenizer = new Tokenizer(DEFAULTS, "mem.csv");
    let scanned = 0;
    const started = performance.now();
    for (let at = 0; at < input.length; at += 1024) {
      tokenizer.feed(input.subarray(at, at + 1024));
      while (tokenizer.next()) scanned += tokenizer.text(1)!.length;
    }
    tokenizer.end();
    while (tokenizer.next()) scanned += tokenizer.text(1)!.length;
    expect(scanned).toBe(big.length + 1);
    // Rescanning the pending bytes at each 1 kB chunk would take minutes (3000 × 1.5 MB).
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
