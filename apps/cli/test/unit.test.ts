import { HyggeError } from "@hygge/core";
import { describe, expect, test } from "@jest/globals";
import { EXIT, exitCodeFor } from "../src/exit.js";
import { candidates, impliedPlugins } from "../src/plugins/resolve.js";
import { maskSecretLine, parseYaml } from "../src/project/yaml.js";
import { formatDuration, table } from "../src/render/format.js";
import { settledIn } from "../src/render/summary.js";

describe("pure helpers", () => {
  test("plugin names: short names, package names and paths", () => {
    expect(candidates("parquet")).toEqual(["@hygge/parquet"]);
    expect(candidates("snowflake")).toEqual(["@hygge/snowflake", "hygge-plugin-snowflake", "snowflake"]);
    expect(candidates("hygge-plugin-x")).toEqual(["hygge-plugin-x"]);
    expect(candidates("@acme/hygge-kafka")).toEqual(["@acme/hygge-kafka"]);
    expect(
      impliedPlugins({
        connections: { a: { type: "mssql" } },
        flows: { f: { home: { type: "parquet" }, store: { type: "postgres" } } },
      }),
    ).toEqual(["sql", "parquet"]);
    expect(
      impliedPlugins({
        connections: { lake: { type: "s3" } },
        flows: {
          a: {
            home: { type: "csv", path: "inbox" },
            store: { type: "parquet", connection: "lake", path: "raw" },
          },
          b: {
            home: { type: "ndjson", path: "abfss://c@acct.dfs.core.windows.net/x" },
            store: { type: "csv" },
          },
        },
      }),
    ).toEqual(["s3", "csv", "parquet", "json", "azure"]);
  });

  test("exit codes by error code", () => {
    expect(exitCodeFor(new HyggeError("CONFIG_INVALID", "x"))).toBe(EXIT.CONFIG);
    expect(exitCodeFor(new HyggeError("PLUGIN_NOT_FOUND", "x"))).toBe(EXIT.CONFIG);
    expect(exitCodeFor(new HyggeError("USAGE", "x"))).toBe(2);
    expect(exitCodeFor(new HyggeError("STORE_WRITE_FAILED", "x"))).toBe(EXIT.FAILED);
    expect(exitCodeFor(new Error("boom"))).toBe(1);
  });

  test("YAML: values, line numbers in errors, masked secrets in context", () => {
    expect(parseYaml("a: 1\nb: [x, y]\n", "f.yml")).toEqual({ a: 1, b: ["x", "y"] });
    expect(parseYaml("", "f.yml")).toEqual({});
    expect(() => parseYaml("a: 1\nb: [2\nc: 3\n", "f.yml")).toThrow(/^f\.yml:\d+:\d+: invalid YAML/);
    expect(() => parseYaml("a: 1\na: 2\n", "f.yml")).toThrow(
      /^f\.yml:2:1: invalid YAML: Map keys must be unique/,
    );
    expect(maskSecretLine("    password: hunter2")).toBe("    password: ***");
    expect(maskSecretLine("  - api_key: 'abc'")).toBe("  - api_key: ***");
    expect(maskSecretLine("    host: db")).toBe("    host: db");
  });

  test("formatting", () => {
    expect(formatDuration(12)).toBe("12ms");
    expect(formatDuration(1234)).toBe("1.23s");
    expect(formatDuration(61_000)).toBe("1m01s");
    expect(formatDuration(119_600)).toBe("2m00s");
    expect(formatDuration(59_960)).toBe("1m00s");
    expect(formatDuration(9_999)).toBe("10.0s");
    expect(
      table(
        [
          ["a", "bb"],
          ["ccc", "d"],
        ],
        ["l", "r"],
      ),
    ).toEqual(["a    bb", "ccc   d"]);
    expect(settledIn([])).toBe("");
    expect(settledIn(["memory:x"])).toBe("memory:x");
    expect(settledIn(["/data/out/a.parquet", "/data/out/b.parquet"])).toBe("/data/out/ (2 files)");
    expect(settledIn(["t1", "t2", "t3"])).toBe("t1 (+2 more)");
  });
});
