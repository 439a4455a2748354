import { join } from "node:path";
import { runFlow } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import type { SchemaElement } from "hyparquet";
import { parquetWriteFile } from "hyparquet-writer";
import { describeTypes, makeHome, makeStore, q, sql, tempDir } from "./helpers.js";

/**
 * The Parquet spec's backward-compatibility rules for LIST groups (LogicalTypes.md, "Lists"),
 * on files written with legacy shapes; hygge writes them back as standard 3-level lists. Rules 1
 * and 3 (repeated primitives, nested two-level lists) are covered by the corpus files
 * repeated_primitive_no_list.parquet and old_list_structure.parquet (hyparquet-writer cannot
 * write them). DuckDB reads rule 4 differently (as a list of the field's values); hygge follows
 * the spec.
 */
async function roundTrip(label: string, list: SchemaElement[], data: unknown[]) {
  const dir = await tempDir(label);
  const src = join(dir, "src.parquet");
  const schema: SchemaElement[] = [
    { name: "root", num_children: 2 },
    { name: "id", type: "INT32", repetition_type: "REQUIRED" },
    ...list,
  ];
  parquetWriteFile({
    filename: src,
    schema,
    columnData: [
      { name: "id", data: data.map((_, i) => i + 1) },
      { name: list[0]!.name, data },
    ],
  } as never);
  await runFlow({
    flow: "legacy",
    home: makeHome(dir, undefined, { path: "src.parquet" }),
    store: makeStore(dir, undefined, { path: "out" }),
  });
  const out = `read_parquet(${q(join(dir, "out", "*.parquet"))})`;
  return {
    types: await describeTypes(`SELECT * FROM ${out}`),
    rows: await sql(`SELECT * FROM ${out} ORDER BY id`),
  };
}

const LIST = { repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 } as const;

describe("legacy list shapes are read as the spec says", () => {
  it("rule 4: a repeated group named `array` with one field is the element (a one-field struct)", async () => {
    const got = await roundTrip(
      "rule4",
      [
        { name: "l", ...LIST },
        { name: "array", repetition_type: "REPEATED", num_children: 1 },
        { name: "str", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
      ],
      [["a", "b"], null, []],
    );
    expect(got.types).toEqual(["id:INTEGER", "l:STRUCT(str VARCHAR)[]"]);
    expect(got.rows).toEqual([
      { id: 1, l: [{ str: "a" }, { str: "b" }] },
      { id: 2, l: null },
      { id: 3, l: [] },
    ]);
  });

  it("rule 5: otherwise the repeated group's one field is the element, whatever the names", async () => {
    const got = await roundTrip(
      "rule5",
      [
        { name: "l", ...LIST },
        { name: "element", repetition_type: "REPEATED", num_children: 1 },
        { name: "str", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      ],
      [["a", null], null, []],
    );
    expect(got.types).toEqual(["id:INTEGER", "l:VARCHAR[]"]);
    expect(got.rows).toEqual([
      { id: 1, l: ["a", null] },
      { id: 2, l: null },
      { id: 3, l: [] },
    ]);
  });
});
