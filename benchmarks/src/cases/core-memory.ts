import { runFlow } from "@hygge/core";
import { MemoryBackend, memoryHome, memoryStore, sequenceBatches } from "@hygge/core/testing";
import type { RecordBatch } from "apache-arrow";
import type { BenchCase } from "../case.js";

// The SQL homes' default batch_size: the engine's cost is per batch, so realistic batches matter.
const BATCH = 10_000;

/**
 * The input both sides move: one batch handed out again and again, generated in `setup` (untimed:
 * generating the rows costs far more than moving them, and would blur the ratio).
 */
let input: { batches: RecordBatch[]; bytes: number } | undefined;
const prepared = () => {
  if (!input) throw new Error("core-memory: setup() did not run");
  return input;
};

/** Engine overhead: the same batches through the Flow engine into a memory store, vs a bare async loop. */
export const benchCase: BenchCase = {
  name: "core-memory",
  description:
    "Flow engine overhead: 2M rows (id, name, amount), one 10,000-row batch handed out 200 times, home→queue→store in memory vs the same batches through a bare async generator into an array",
  async prepare() {},
  async setup(_dir, scale) {
    const rows = 2_000_000 * scale;
    const [batch] = sequenceBatches(BATCH, BATCH);
    const batches = Array.from({ length: Math.ceil(rows / BATCH) }, () => batch!);
    input = { batches, bytes: batches.length * batch!.data.byteLength };
  },
  async hygge() {
    const { batches, bytes } = prepared();
    const backend = new MemoryBackend();
    const report = await runFlow({
      flow: "bench",
      home: memoryHome(batches),
      store: memoryStore(backend, "bench", { onWrite: () => undefined }),
    });
    return { rows: report.rows, bytes };
  },
  reference: {
    // The same hand-off with no engine: an async generator yields each batch, the consumer keeps
    // it (as the memory store stages it) and counts rows and bytes (as the engine's counters do).
    // The ratio is what the engine's queue, guards, counters and commit cost per row.
    name: "bare async generator → array",
    async run() {
      const { batches } = prepared();
      async function* home() {
        for (const batch of batches) yield batch;
      }
      const staged: RecordBatch[] = [];
      let rows = 0;
      let bytes = 0;
      for await (const batch of home()) {
        staged.push(batch);
        rows += batch.numRows;
        bytes += batch.data.byteLength;
      }
      return { rows, bytes };
    },
  },
};
