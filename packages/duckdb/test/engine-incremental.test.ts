import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "@jest/globals";
import { copyFlow, readWithHygge, tableText, tempProject } from "./engine-helpers.js";

/**
 * Incremental runs resuming from a committed watermark on `engine: duckdb`: DuckDB copies only
 * the rows the boundary rule keeps; the same files through the batch loop alone end with the same
 * rows and the same watermark, round after round, with rows arriving at the boundary value.
 */
const KINDS = {
  integer: (v: string) => `(${v})::BIGINT`,
  timestamp: (v: string) => `TIMESTAMP '2024-01-01' + to_microseconds((${v})::BIGINT)`,
  timestamp_ns: (v: string) => `(TIMESTAMP '2024-01-01' + to_microseconds((${v})::BIGINT))::TIMESTAMP_NS`,
  date: (v: string) => `DATE '2024-01-01' + (${v})::INTEGER`,
  string: (v: string) => `lpad((${v})::VARCHAR, 6, '0')`,
} as const;

const FLOAT = { float: (v: string) => `(${v})::DOUBLE / 2` };

async function addFile(
  dir: string,
  n: number,
  rows: number,
  from: number,
  ts: string,
  kind: keyof typeof KINDS | "float",
) {
  const c = await (await DuckDBInstance.create(":memory:")).connect();
  await mkdir(join(dir, "in/t"), { recursive: true });
  const sql = `SELECT (${from} + i)::BIGINT AS id, ${{ ...KINDS, ...FLOAT }[kind](ts)} AS ts, 'row-' || (${from} + i) AS payload FROM range(${rows}) t(i)`;
  await c.run(
    `COPY (${sql}) TO '${join(dir, "in/t", `part-${String(n).padStart(3, "0")}.parquet`)}' (FORMAT parquet)`,
  );
}

const sorted = (rows: string[]) => [...rows].sort();

describe("engine: duckdb resuming from a committed watermark", () => {
  for (const kind of Object.keys(KINDS) as (keyof typeof KINDS)[]) {
    it(`${kind}: the same rows and watermark as the batch loop, round after round, ties at the boundary`, async () => {
      const dir = await tempProject();
      const watermark = { watermark_column: "ts", primary_key: "id" };
      const engineRun = () => copyFlow(dir, { watermark }, { runType: "incremental" });
      const aloneRun = () =>
        copyFlow(
          dir,
          { watermark, engine: false, store: { type: "parquet", path: "alone" } },
          { runType: "incremental" },
        );
      // Round 1: ts 0,1,2 repeating; rounds after: rows at the current maximum (2, 5…) and above.
      let next = 0;
      const rounds: [number, string][] = [
        [30, "i % 3"],
        [10, "2 + (i % 2) * 3"],
        [7, "5"],
        [0, ""],
        [12, "5 + (i % 4)"],
      ];
      for (const [round, [rows, ts]] of rounds.entries()) {
        if (rows > 0) await addFile(dir, round, rows, next, ts, kind);
        next += rows;
        if (round === 0 && rows === 0) continue;
        const e = await engineRun();
        const b = await aloneRun();
        expect(e.engine).toEqual({ type: "duckdb", ran: true });
        expect([round, e.rows]).toEqual([round, b.rows]);
        expect(e.watermark).toEqual(b.watermark);
        const out = tableText(await readWithHygge(join(dir, "out/t")));
        const alone = tableText(await readWithHygge(join(dir, "alone/t")));
        expect(out.schema).toBe(alone.schema);
        expect(sorted(out.rows)).toEqual(sorted(alone.rows));
      }
      // Every source row exactly once.
      const ids = tableText(await readWithHygge(join(dir, "out/t"))).rows.map((r) => JSON.parse(r)[0]);
      expect(new Set(ids).size).toBe(next);
      expect(ids).toHaveLength(next);
    });
  }

  it("falls back for a float watermark and for a key of several columns at the boundary", async () => {
    const dir = await tempProject();
    await addFile(dir, 0, 10, 0, "i % 3", "integer");
    const composite = { watermark_column: "ts", primary_key: ["id", "payload"] };
    await copyFlow(dir, { watermark: composite }, { runType: "incremental" });
    await addFile(dir, 1, 5, 10, "2", "integer");
    const again = await copyFlow(dir, { watermark: composite }, { runType: "incremental" });
    expect(again.engine).toMatchObject({ ran: false, fallback: expect.stringMatching(/several columns/) });
    expect(again.rows).toBe(5);
    const floats = await tempProject();
    await addFile(floats, 0, 10, 0, "i % 3", "float");
    const watermark = { watermark_column: "ts", primary_key: "id" };
    await copyFlow(floats, { watermark }, { runType: "incremental" });
    await addFile(floats, 1, 5, 10, "2", "float");
    const resumed = await copyFlow(floats, { watermark }, { runType: "incremental" });
    expect(resumed.engine).toMatchObject({
      ran: false,
      fallback: expect.stringMatching(/resuming from a float watermark/),
    });
    expect(resumed.rows).toBe(5);
  });

  /** One incremental run both ways (engine, batch loop alone): the same rows and watermark. */
  async function bothWays(
    dir: string,
    watermark: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) {
    const e = await copyFlow(dir, { watermark, ...extra }, { runType: "incremental" });
    const b = await copyFlow(
      dir,
      { watermark, ...extra, engine: false, store: { type: "parquet", path: "alone" } },
      { runType: "incremental" },
    );
    expect(e.rows).toBe(b.rows);
    expect(e.watermark).toEqual(b.watermark);
    const out = tableText(await readWithHygge(join(dir, "out/t")));
    const alone = tableText(await readWithHygge(join(dir, "alone/t")));
    expect(sorted(out.rows)).toEqual(sorted(alone.rows));
    return e;
  }

  async function writeSql(dir: string, name: string, select: string) {
    const c = await (await DuckDBInstance.create(":memory:")).connect();
    await mkdir(join(dir, "in/t"), { recursive: true });
    await c.run(`COPY (${select}) TO '${join(dir, "in/t", name)}' (FORMAT parquet)`);
  }

  it("leaves an infinite timestamp after the watermark to the batch loop, which keeps it", async () => {
    const dir = await tempProject();
    const watermark = { watermark_column: "ts", primary_key: "id" };
    await writeSql(dir, "a.parquet", "SELECT 1::BIGINT AS id, TIMESTAMP '2024-01-01' AS ts");
    await bothWays(dir, watermark);
    await writeSql(
      dir,
      "b.parquet",
      "SELECT * FROM (VALUES (2::BIGINT, 'infinity'::TIMESTAMP), (3, TIMESTAMP '2024-02-01')) t(id, ts)",
    );
    const e = await bothWays(dir, watermark);
    expect(e.engine).toMatchObject({
      ran: false,
      fallback: expect.stringMatching(/an infinite timestamp in ts/),
    });
    expect(e.rows).toBe(2);
  });

  it("leaves boundary keys of another primary key, or of another integer width, to the batch loop", async () => {
    const dir = await tempProject();
    await writeSql(dir, "a.parquet", "SELECT 10::BIGINT AS id, 1 AS ver, 5::BIGINT AS ts");
    await bothWays(dir, { watermark_column: "ts", primary_key: ["id", "ver"] });
    await writeSql(dir, "b.parquet", "SELECT 10::BIGINT AS id, 2 AS ver, 5::BIGINT AS ts");
    const changed = await bothWays(dir, { watermark_column: "ts", primary_key: "id" });
    expect(changed.engine).toMatchObject({ ran: false, fallback: "boundary keys of another primary key" });
    const widened = await tempProject();
    const watermark = { watermark_column: "ts", primary_key: "id" };
    await writeSql(widened, "a.parquet", "SELECT 10::INTEGER AS id, 5::BIGINT AS ts");
    await bothWays(widened, watermark);
    await rm(join(widened, "in/t/a.parquet"));
    await writeSql(widened, "b.parquet", "SELECT * FROM (VALUES (10::BIGINT, 5::BIGINT), (11, 5)) t(id, ts)");
    const e = await bothWays(widened, watermark);
    expect(e.engine).toMatchObject({
      ran: false,
      fallback: expect.stringMatching(/Int64 primary key at the watermark's boundary/),
    });
  });
});
