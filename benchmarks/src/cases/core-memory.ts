import { DuckDBInstance } from "@duckdb/node-api";
import { runFlow } from "@hygge/core";
import { MemoryBackend, memoryHome, memoryStore, sequenceBatches } from "@hygge/core/testing";
import type { BenchCase } from "../case.js";

/** Engine overhead: generated batches through the Flow engine into a memory store, vs DuckDB aggregating a range. */
export const benchCase: BenchCase = {
  name: "core-memory",
  description:
    "Flow engine overhead: 2M rows (id, name, amount), one 62,500-row batch handed out 32 times, home→queue→store in memory",
  async prepare() {},
  async hygge(_dir, scale) {
    const rows = 2_000_000 * scale;
    const backend = new MemoryBackend();
    // One batch generated up front and handed out again and again: this measures the engine, not generation.
    const [batch] = sequenceBatches(62_500, 62_500);
    const batches = Array.from({ length: Math.ceil(rows / 62_500) }, () => batch!);
    const generated = batches.length * batch!.data.byteLength;
    const report = await runFlow({
      flow: "bench",
      home: memoryHome(batches),
      store: memoryStore(backend, "bench", { onWrite: () => undefined }),
    });
    return { rows: report.rows, bytes: generated };
  },
  reference: {
    name: "duckdb (threads=1)",
    async run(_dir, scale) {
      const rows = 2_000_000 * scale;
      const db = await DuckDBInstance.create(":memory:");
      const c = await db.connect();
      await c.run("SET threads=1");
      const r = await c.runAndReadAll(
        `SELECT count(*)::BIGINT, sum(length('name-' || i))::BIGINT FROM range(${rows}) t(i)`,
      );
      const [[count]] = r.getRows() as [[bigint]];
      return { rows: Number(count), bytes: rows * 24 };
    },
  },
};
