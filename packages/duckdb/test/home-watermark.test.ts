import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runFlow, toRows, type Watermark } from "@hygge/core";
import { MemoryBackend, memoryStore } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { makeHome, projectDir, readAll, readContext } from "./home-helpers.js";

const dir = await projectDir("watermark");

/** Ten rows: i 0…9 with a value of each watermark kind growing with i. */
const query = `
  select range::INTEGER as i,
         range::UBIGINT * 2000000000000000000 as big,
         range / 4 as f,
         chr(57344 + range::INTEGER) || '' as s,
         ('2023-12-25'::DATE + range::INTEGER) as d,
         ('2024-01-01'::TIMESTAMP + range * interval 1 second) as ts,
         ('2024-01-01'::TIMESTAMP_NS + range * interval 1 second + range::INTEGER * interval 1 microsecond) as ts_ns,
         ('2024-01-01 00:00:00+00'::TIMESTAMPTZ + range * interval 1 hour) as tz
  from range(10) order by range;`;

async function since(watermark: Omit<Watermark, "column"> & { column: string }): Promise<number[]> {
  const home = makeHome(dir, { query }, "wm");
  const ctx = readContext("wm", {
    runType: "incremental",
    watermark: { column: watermark.column, primaryKey: ["i"], since: watermark },
  });
  return toRows(await readAll(home, ctx)).map((r) => r.i as number);
}

describe("duckdb home: watermark since", () => {
  it("integer (and beyond int64), inclusive", async () => {
    expect(await since({ column: "i", kind: "integer", value: "7" })).toEqual([7, 8, 9]);
    expect(await since({ column: "big", kind: "integer", value: "16000000000000000000" })).toEqual([8, 9]);
  });

  it("float", async () => {
    expect(await since({ column: "f", kind: "float", value: "2" })).toEqual([8, 9]);
  });

  it("string, by code point", async () => {
    expect(await since({ column: "s", kind: "string", value: String.fromCodePoint(57344 + 8) })).toEqual([
      8, 9,
    ]);
    // U+1F600 sorts after every U+E0xx by code point (not by UTF-16 code unit): nothing is at or above it.
    expect(await since({ column: "s", kind: "string", value: "😀" })).toEqual([]);
  });

  it("date (days)", async () => {
    expect(await since({ column: "d", kind: "date", value: String(19716 + 8) })).toEqual([8, 9]);
  });

  it("timestamp µs, ns and with time zone", async () => {
    const base = 1704067200n; // 2024-01-01 UTC, seconds
    expect(
      await since({
        column: "ts",
        kind: "timestamp",
        unit: "us",
        timezone: null,
        value: String((base + 8n) * 1_000_000n),
      }),
    ).toEqual([8, 9]);
    // ns: row 8 is at …08.000008000; one ns later excludes it.
    const ns8 = (base + 8n) * 1_000_000_000n + 8_000n;
    expect(
      await since({ column: "ts_ns", kind: "timestamp", unit: "ns", timezone: null, value: String(ns8) }),
    ).toEqual([8, 9]);
    expect(
      await since({
        column: "ts_ns",
        kind: "timestamp",
        unit: "ns",
        timezone: null,
        value: String(ns8 + 1n),
      }),
    ).toEqual([9]);
    expect(
      await since({
        column: "tz",
        kind: "timestamp",
        unit: "us",
        timezone: "UTC",
        value: String((base + 7n * 3600n) * 1_000_000n),
      }),
    ).toEqual([7, 8, 9]);
  });

  it("an unknown watermark column is an error naming it", async () => {
    await expect(since({ column: "nope", kind: "integer", value: "1" })).rejects.toMatchObject({
      code: "HOME_READ_FAILED",
      message: expect.stringContaining("nope"),
    });
  });
});

describe("duckdb home: incremental runs through the flow engine", () => {
  it("the second run reads only rows at or after the committed watermark (boundary rows not duplicated)", async () => {
    await mkdir(join(dir, "events"), { recursive: true });
    await writeFile(
      join(dir, "events", "e.csv"),
      "id,at\n1,2024-01-01 10:00:00\n2,2024-01-01 11:00:00\n3,2024-01-01 11:00:00\n",
    );
    const backend = new MemoryBackend();
    const run = () =>
      runFlow({
        flow: "test",
        entity: "events",
        runType: "incremental",
        watermark: { column: "at", primaryKey: ["id"] },
        home: () =>
          makeHome(dir, { query: "select * from read_csv('{entity}/*.csv') order by id" }, "events"),
        store: memoryStore(backend, "events"),
      });
    expect((await run()).rows).toBe(3);
    await appendFile(
      join(dir, "events", "e.csv"),
      "4,2024-01-01 11:00:00\n5,2024-01-01 12:00:00\n0,2023-12-31 00:00:00\n",
    );
    expect((await run()).rows).toBe(2);
    expect(toRows(backend.get("events")!).map((r) => r.id)).toEqual(["1", "2", "3", "4", "5"]);
  });
});
