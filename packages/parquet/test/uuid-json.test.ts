import { join } from "node:path";
import { formatUuid, isJsonField, isUuidField, runFlow } from "@hygge/core";
import { memoryHome, typeMatrix } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import type { FixedSizeBinary } from "apache-arrow";
import { describeTypes, makeHome, makeStore, q, readAll, sql, tempDir } from "./helpers.js";

const types = async (path: string) => describeTypes(`SELECT * FROM read_parquet(${q(path)})`);

describe("uuid and json travel end to end (arrow.uuid ↔ Parquet UUID, arrow.json ↔ Parquet JSON)", () => {
  it("an Arrow batch with arrow.uuid and arrow.json columns is written as Parquet UUID and JSON", async () => {
    const dir = await tempDir("uuid-json");
    await runFlow({
      flow: "f",
      home: memoryHome([typeMatrix()]),
      store: makeStore(dir, undefined, { path: "out" }),
    });
    const file = join(dir, "out", "*.parquet");
    const got = await types(file);
    expect(got).toContain("uuid:UUID");
    expect(got).toContain("json:JSON");
    expect(
      await sql(`SELECT uuid::VARCHAR AS u, json::VARCHAR AS j FROM read_parquet(${q(file)}) ORDER BY id`),
    ).toEqual([
      { u: "00000000-0000-0000-0000-000000000000", j: '{"a":1,"b":[true,null]}' },
      { u: "ffffffff-ffff-ffff-ffff-ffffffffffff", j: "[]" },
      { u: null, j: null },
      { u: "123e4567-e89b-12d3-a456-426614174000", j: '"ünïcødé 🚀"' },
      { u: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", j: '{"big":12345678901234567890}' },
    ]);
    // …and read back by the home as the same extension types.
    const [batch] = await readAll(makeHome(dir, undefined, { path: "out" }));
    const schema = batch!.schema;
    expect(isUuidField(schema.fields.find((f) => f.name === "uuid")!)).toBe(true);
    expect(isJsonField(schema.fields.find((f) => f.name === "json")!)).toBe(true);
    const uuids = batch!.getChild("uuid")!;
    expect(formatUuid(uuids.get(3) as unknown as Uint8Array)).toBe("123e4567-e89b-12d3-a456-426614174000");
    expect((uuids.type as FixedSizeBinary).byteWidth).toBe(16);
  });

  it("DuckDB's UUID and JSON columns, flat and nested, copy parquet → parquet with their types", async () => {
    const dir = await tempDir("uuid-json-duck");
    const src = join(dir, "src.parquet");
    await sql(`COPY (SELECT * FROM (VALUES
      (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID, '{"k":[1,2]}'::JSON,
       {'u': '00000000-0000-0000-0000-000000000001'::UUID, 'j': '[1]'::JSON},
       ['ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID, NULL], ['{}'::JSON, NULL, 'null'::JSON]),
      (2, NULL, NULL, NULL, NULL, NULL)) t(id, u, j, s, lu, lj)) TO ${q(src)} (FORMAT parquet)`);
    await runFlow({
      flow: "f",
      home: makeHome(dir, undefined, { path: "src.parquet" }),
      store: makeStore(dir, undefined, { path: "out" }),
    });
    const out = join(dir, "out", "*.parquet");
    expect(await types(out)).toEqual(await types(src));
    expect(await types(out)).toEqual([
      "id:INTEGER",
      "u:UUID",
      "j:JSON",
      "s:STRUCT(u UUID, j JSON)",
      "lu:UUID[]",
      "lj:JSON[]",
    ]);
    const rows = (p: string) => sql(`SELECT * FROM read_parquet(${q(p)}) ORDER BY id`);
    expect(await rows(out)).toEqual(await rows(src));
  });
});
