import { join } from "node:path";
import { EXTENSION_NAME_KEY, JSON_EXTENSION, runFlow, UUID_EXTENSION } from "@hygge/core";
import { memoryHome } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import {
  type DataType,
  Field,
  FixedSizeBinary,
  Int32,
  List,
  Map_,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Timestamp,
  TimeUnit,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { ARROW_SCHEMA_KEY, encodeArrowSchema } from "../src/arrow-schema.js";
import { ParquetFileWriter } from "../src/write/file-writer.js";
import { parquetSchema } from "../src/write/schema.js";
import { describeTypes, makeHome, makeStore, q, readAll, sql, tempDir } from "./helpers.js";

const tagged = <T extends DataType>(
  name: string,
  type: T,
  metadata: Record<string, string>,
  nullable = true,
) => new Field<T>(name, type, nullable, new Map(Object.entries(metadata)));
const json = { [EXTENSION_NAME_KEY]: JSON_EXTENSION, "hygge.postgres.type": "jsonb" };

/** Every field at every depth: path, type, nullability and metadata, so a difference names its field. */
function describeFields(fields: readonly Field[], prefix = ""): string[] {
  return fields.flatMap((f) => {
    const path = `${prefix}${f.name}`;
    const meta = [...f.metadata].map(([k, v]) => `${k}=${v}`).join(",");
    const line = `${path}: ${String(f.type)}${f.nullable ? "?" : ""} {${meta}}`;
    return [line, ...describeFields((f.type as DataType).children ?? [], `${path}.`)];
  });
}

const schema = new Schema([
  new Field("id", new Int32(), false),
  tagged("t", new Timestamp(TimeUnit.MICROSECOND, "Asia/Tokyo"), { "x.note": "top" }),
  tagged(
    "s",
    new Struct([
      tagged("at", new Timestamp(TimeUnit.MICROSECOND, "Europe/Oslo"), { "x.note": "struct field" }),
      tagged("j", new Utf8(), json),
    ]),
    { "x.note": "struct" },
  ),
  tagged("lj", new List(tagged("element", new Utf8(), json)), { "hygge.postgres.type": "jsonb[]" }),
  tagged(
    "lu",
    new List(tagged("element", new FixedSizeBinary(16), { [EXTENSION_NAME_KEY]: UUID_EXTENSION })),
    {
      "hygge.postgres.type": "uuid[]",
    },
  ),
  new Field(
    "m",
    new Map_<Utf8, Timestamp>(
      new Field(
        "entries",
        new Struct<{ key: Utf8; value: Timestamp }>([
          tagged("key", new Utf8(), { "x.note": "map key" }, false),
          tagged("value", new Timestamp(TimeUnit.MICROSECOND, "America/New_York"), { "x.note": "map value" }),
        ]),
        false,
      ),
    ),
    true,
  ),
]);

const at = 1_700_000_000_000; // epoch milliseconds
const uuid = Uint8Array.from({ length: 16 }, (_, i) => i * 17);

function batch(): RecordBatch {
  const column = (i: number, values: unknown[]) => vectorFromArray(values, schema.fields[i]!.type).data[0]!;
  const children = [
    column(0, [1, 2]),
    column(1, [at, null]),
    column(2, [{ at: at + 1, j: '{"a": 1}' }, null]),
    column(3, [['{"k": [1.50]}', null], []]),
    column(4, [[uuid, null], null]),
    column(5, [new Map([["x", at + 2]]), null]),
  ];
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: 2, nullCount: 0, children }),
  );
}

describe("Arrow field metadata travels through Parquet files (ARROW:schema)", () => {
  it("metadata and zone names at every depth survive a write, a parquet → parquet copy and a read", async () => {
    const dir = await tempDir("field-meta");
    await runFlow({
      flow: "f",
      home: memoryHome([batch()]),
      store: makeStore(dir, undefined, { path: "a" }),
    });
    await runFlow({
      flow: "f",
      home: makeHome(dir, undefined, { path: "a" }),
      store: makeStore(dir, undefined, { path: "b" }),
    });
    const [read] = await readAll(makeHome(dir, undefined, { path: "b" }));
    expect(describeFields(read!.schema.fields)).toEqual(describeFields(schema.fields));
    // The values are the source's: the instants are the same, only the zone names were restored.
    const want = batch();
    for (const name of ["id", "t", "s", "lj", "lu", "m"])
      expect(JSON.stringify(read!.getChild(name)!.toJSON(), big)).toEqual(
        JSON.stringify(want.getChild(name)!.toJSON(), big),
      );
    // DuckDB still reads the Parquet types (UUID and JSON at depth, instants in UTC).
    const file = join(dir, "b", "*.parquet");
    expect(await describeTypes(`SELECT * FROM read_parquet(${q(file)})`)).toEqual([
      "id:INTEGER",
      "t:TIMESTAMP WITH TIME ZONE",
      's:STRUCT("at" TIMESTAMP WITH TIME ZONE, j JSON)',
      "lj:JSON[]",
      "lu:UUID[]",
      "m:MAP(VARCHAR, TIMESTAMP WITH TIME ZONE)",
    ]);
    expect(
      await sql(`SELECT s.j::VARCHAR AS j, lu[1]::VARCHAR AS u FROM read_parquet(${q(file)}) ORDER BY id`),
    ).toEqual([
      { j: '{"a": 1}', u: "00112233-4455-6677-8899-aabbccddeeff" },
      { j: null, u: null },
    ]);
  });
});

const big = (_: string, v: unknown) =>
  typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? [...v] : v;

describe("a stored Arrow schema that disagrees with the Parquet schema", () => {
  it("gives metadata only where the types match, and the Parquet schema's own keys win", async () => {
    const dir = await tempDir("field-meta-foreign");
    const path = join(dir, "f.parquet");
    const written = new Schema([
      new Field("n", new Int32(), true),
      new Field("s", new Utf8(), true),
      tagged("j", new Utf8(), { [EXTENSION_NAME_KEY]: JSON_EXTENSION }),
      new Field("t", new Timestamp(TimeUnit.MICROSECOND, "UTC"), true),
    ]);
    // What another writer might claim: `s` as an integer, `j` as some other extension, `t` in Oslo.
    const claimed = new Schema([
      tagged("n", new Int32(), { "x.note": "n" }),
      tagged("s", new Int32(), { "x.note": "not a string" }),
      tagged("j", new Utf8(), { [EXTENSION_NAME_KEY]: "other.ext", "x.note": "j" }),
      tagged("t", new Timestamp(TimeUnit.MILLISECOND, "Europe/Oslo"), {}),
    ]);
    const writer = new ParquetFileWriter(path, written, parquetSchema(written), {
      codec: "UNCOMPRESSED",
      compressors: {},
      dictionary: false,
      kvMetadata: [{ key: ARROW_SCHEMA_KEY, value: encodeArrowSchema(claimed) }],
    });
    const columns = [[1], ["a"], ['{"k":1}'], [at]].map((v, i) => [
      vectorFromArray(v, written.fields[i]!.type).data[0]!,
    ]);
    writer.writeRowGroup(columns, 1);
    writer.finish();
    const [read] = await readAll(makeHome(dir, undefined, { path: "f.parquet" }));
    expect(describeFields(read!.schema.fields)).toEqual([
      "n: Int32? {x.note=n}",
      "s: Utf8? {}",
      `j: Utf8? {${EXTENSION_NAME_KEY}=${JSON_EXTENSION},x.note=j}`,
      "t: Timestamp<MICROSECOND, Europe/Oslo>? {}",
    ]);
    expect(read!.getChild("s")!.get(0)).toBe("a");
    expect(read!.getChild("t")!.get(0)).toBe(at);
  });
});
