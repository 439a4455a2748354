import { mkdir } from "node:fs/promises";
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
});
