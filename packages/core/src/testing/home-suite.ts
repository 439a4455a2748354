import type { RecordBatch } from "apache-arrow";
import { toRows } from "../arrow/values.js";
import type { Home, ReadContext } from "../contracts/home.js";
import type { FlowEvent } from "../flow/events.js";
import { runFlow } from "../flow/run-flow.js";
import { expectSameRows } from "./diff.js";
import { jestGlobals } from "./jest-globals.js";
import { MemoryBackend, memoryStore } from "./memory.js";
import { sequenceBatches, typeMatrix } from "./type-matrix.js";

export interface HomeSuiteOptions {
  name: string;
  /** Writes `batches` as the source data of `entity` in the home's backend. */
  seed(entity: string, batches: RecordBatch[]): Promise<void>;
  /** A home reading `entity`, producing batches of at most `batchSize` rows when given. */
  create(entity: string, options: { batchSize?: number }): Home | Promise<Home>;
  excludeTypes?: string[];
  /** Normalises an Arrow type string before comparing schemas (e.g. a backend that widens int8 to int16). */
  normalizeType?(column: string, type: string): string;
  /** Sort key for sources that do not guarantee order (rows are compared sorted by `id`). */
  unordered?: boolean;
}

const ctx = (entity: string, signal = new AbortController().signal): ReadContext => ({
  signal,
  flow: "conformance",
  entity,
  runType: "full_drop",
});

async function readAll(home: Home, context: ReadContext): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const batch of home.read(context)) out.push(batch);
  return out;
}

/** The conformance suite every Home runs against a real backend. */
export function testHome(options: HomeSuiteOptions): void {
  const { describe, expect, it } = jestGlobals();
  let counter = 0;
  const entity = (label: string) => `conf_${label}_${process.pid}_${++counter}`;
  const sorted = (rows: ReturnType<typeof toRows>) =>
    options.unordered ? [...rows].sort((a, b) => Number(a.id) - Number(b.id)) : rows;

  describe(`home conformance: ${options.name}`, () => {
    it("reads the type matrix exactly", async () => {
      const name = entity("types");
      const batch = typeMatrix(options.excludeTypes);
      await options.seed(name, [batch]);
      const home = await options.create(name, {});
      const got = await readAll(home, ctx(name));
      await home.close?.();
      expectSameRows(
        sorted(toRows(got)),
        [batch],
        `${options.name}: the type matrix read`,
        "what was seeded",
      );
      const schema = got[0]!.schema;
      const norm = (name: string, type: unknown) =>
        `${name}:${options.normalizeType?.(name, String(type)) ?? String(type)}`;
      expect(schema.fields.map((f) => norm(f.name, f.type))).toEqual(
        batch.schema.fields.map((f) => norm(f.name, f.type)),
      );
    });

    it("reads an empty source as zero rows", async () => {
      const name = entity("empty");
      await options.seed(name, [sequenceBatches(1, 1)[0]!.slice(0, 0)]);
      const home = await options.create(name, {});
      const got = await readAll(home, ctx(name));
      await home.close?.();
      expect(got.reduce((n, b) => n + b.numRows, 0)).toBe(0);
    });

    it("splits a large source into batches of at most batch_size rows, losing nothing", async () => {
      const name = entity("many");
      await options.seed(name, sequenceBatches(10_000, 2_500));
      const home = await options.create(name, { batchSize: 1000 });
      const got = await readAll(home, ctx(name));
      await home.close?.();
      expect(got.length).toBeGreaterThanOrEqual(10);
      for (const b of got) expect(b.numRows).toBeLessThanOrEqual(1000);
      expectSameRows(
        sorted(toRows(got)).map((r) => ({ id: r.id ?? null })),
        Array.from({ length: 10_000 }, (_, i) => ({ id: String(i) })),
        `${options.name}: the ids read`,
        "what was seeded",
      );
    });

    it("stops reading when the signal aborts", async () => {
      const name = entity("cancel");
      await options.seed(name, sequenceBatches(20_000, 1000));
      const home = await options.create(name, { batchSize: 100 });
      const controller = new AbortController();
      let batches = 0;
      const outcome = await (async () => {
        for await (const _ of home.read(ctx(name, controller.signal))) {
          batches++;
          if (batches === 3) controller.abort(new Error("test cancel"));
          if (batches > 50) return "kept reading";
        }
        return "stopped";
      })().catch(() => "threw");
      await home.close?.();
      expect(outcome === "stopped" || outcome === "threw").toBe(true);
    });

    it("reports progress counts that match the data", async () => {
      const name = entity("progress");
      await options.seed(name, sequenceBatches(3000, 1000));
      const backend = new MemoryBackend();
      const events: FlowEvent[] = [];
      const report = await runFlow({
        flow: "conformance",
        entity: name,
        home: () => options.create(name, { batchSize: 500 }),
        store: memoryStore(backend, name),
        onEvent: (e) => events.push(e),
      });
      expect(report.rows).toBe(3000);
      expect(backend.rows(name)).toBe(3000);
      expect(events.filter((e) => e.type === "progress").at(-1)?.rows).toBe(3000);
      const start = events.find((e) => e.type === "start");
      if (start?.estimatedRows !== undefined) expect(start.estimatedRows).toBe(3000);
    });
  });
}
