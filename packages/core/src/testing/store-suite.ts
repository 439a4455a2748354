import { Int64, type RecordBatch, type Table, Utf8, vectorFromArray } from "apache-arrow";
import { toRows } from "../arrow/values.js";
import type { RunType } from "../contracts/common.js";
import type { Store } from "../contracts/store.js";
import { isHyggeError } from "../errors.js";
import type { FlowEvent } from "../flow/events.js";
import { runFlow } from "../flow/run-flow.js";
import { jestGlobals } from "./jest-globals.js";
import { memoryHome } from "./memory.js";
import { batchOf, int64Vector, sequenceBatches, typeMatrix } from "./type-matrix.js";

export interface StoreSuiteOptions {
  /** Shown in test names. */
  name: string;
  /** A fresh store writing entity `entity`; each test uses its own entity name. */
  create(entity: string): Store | Promise<Store>;
  /** What is published for `entity` now, read independently of the store (undefined = nothing). */
  read(entity: string): Promise<Table | RecordBatch[] | undefined>;
  /** A fingerprint of everything at the destination for `entity` (bytes, file names…), if cheaper or stricter than `read`. */
  snapshot?(entity: string): Promise<string>;
  /** Type-matrix columns the store cannot hold (documented by the plugin). */
  excludeTypes?: string[];
  /** Normalises an Arrow type string before comparing schemas (e.g. a store that widens int8 to int16). */
  normalizeType?(column: string, type: string): string;
  /** Skip the schema-type comparison entirely (stores without a typed schema). */
  compareTypes?: boolean;
}

/** The conformance suite every Store runs against a real backend. */
export function testStore(options: StoreSuiteOptions): void {
  const { describe, expect, it } = jestGlobals();
  let counter = 0;
  const entity = (label: string) => `conf_${label}_${process.pid}_${++counter}`;
  const norm = (column: string, type: string) => options.normalizeType?.(column, type) ?? type;
  const rowsOf = async (name: string) => {
    const data = await options.read(name);
    return data === undefined ? undefined : toRows(data as Table);
  };
  const state = async (name: string) => JSON.stringify([await rowsOf(name), await options.snapshot?.(name)]);
  const run = async (name: string, batches: RecordBatch[], runType: RunType = "full_drop", extra = {}) =>
    runFlow({
      flow: "conformance",
      entity: name,
      home: memoryHome(batches),
      store: () => options.create(name),
      runType,
      ...extra,
    });

  describe(`store conformance: ${options.name}`, () => {
    it("round-trips the type matrix exactly", async () => {
      const name = entity("types");
      const batch = typeMatrix(options.excludeTypes);
      const report = await run(name, [batch]);
      expect(report.rows).toBe(batch.numRows);
      const data = await options.read(name);
      expect(data).toBeDefined();
      expect(toRows(data as Table)).toEqual(toRows([batch]));
      if (options.compareTypes !== false) {
        const schema = Array.isArray(data) ? data[0]!.schema : (data as Table).schema;
        const got = schema.fields.map((f) => `${f.name}:${norm(f.name, String(f.type))}`);
        const want = batch.schema.fields.map((f) => `${f.name}:${norm(f.name, String(f.type))}`);
        expect(got).toEqual(want);
      }
    });

    it("round-trips slices of the type matrix (batches whose data starts at an offset)", async () => {
      const name = entity("sliced");
      const batch = typeMatrix(options.excludeTypes);
      // Slices share the parent's buffers: a store must honour each column's offset (and its
      // validity bitmap's), as batches cut by a watermark filter or a row-group boundary are.
      const parts = [batch.slice(1, 3), batch.slice(3)];
      const report = await run(name, parts);
      expect(report.rows).toBe(batch.numRows - 1);
      const data = await options.read(name);
      expect(toRows(data as Table)).toEqual(toRows(parts));
    });

    it("publishes an empty destination for an empty input", async () => {
      const name = entity("empty");
      const empty = sequenceBatches(1, 1)[0]!.slice(0, 0);
      const report = await run(name, [empty]);
      expect(report.rows).toBe(0);
      expect(await rowsOf(name)).toEqual([]);
    });

    it("keeps every row of many batches, in order", async () => {
      const name = entity("many");
      const batches = sequenceBatches(10_000, 137);
      const report = await run(name, batches);
      expect(report.rows).toBe(10_000);
      const rows = await rowsOf(name);
      expect(rows?.map((r) => r.id)).toEqual(Array.from({ length: 10_000 }, (_, i) => String(i)));
    });

    it("full_drop replaces the previous data", async () => {
      const name = entity("replace");
      await run(name, sequenceBatches(100, 30));
      await run(name, sequenceBatches(7, 3, 1000));
      const rows = await rowsOf(name);
      expect(rows?.map((r) => r.id)).toEqual(Array.from({ length: 7 }, (_, i) => String(1000 + i)));
    });

    it("a home failing mid-stream aborts the store and leaves the destination untouched", async () => {
      const name = entity("abort");
      await run(name, sequenceBatches(50, 10));
      const before = await state(name);
      const error = await runFlow({
        flow: "conformance",
        entity: name,
        home: memoryHome(sequenceBatches(500, 10, 5000), { failAfterBatches: 20 }),
        store: () => options.create(name),
      }).catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
      expect(await state(name)).toBe(before);
    });

    it("cancellation leaves the destination untouched", async () => {
      const name = entity("cancel");
      await run(name, sequenceBatches(20, 10));
      const before = await state(name);
      const controller = new AbortController();
      const error = await runFlow({
        flow: "conformance",
        entity: name,
        home: memoryHome(sequenceBatches(1000, 10, 9000), { onYield: (i) => i === 5 && controller.abort() }),
        store: () => options.create(name),
        signal: controller.signal,
      }).catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("ABORTED");
      expect(await state(name)).toBe(before);
    });

    it("reports progress counts that match the data", async () => {
      const name = entity("progress");
      const events: FlowEvent[] = [];
      const report = await run(name, sequenceBatches(1000, 100), "full_drop", {
        onEvent: (e: FlowEvent) => events.push(e),
      });
      const last = events.filter((e) => e.type === "progress").at(-1);
      expect(last?.rows).toBe(1000);
      expect(last?.batches).toBe(report.batches);
      expect(events.at(-1)?.type).toBe("done");
    });

    it("incremental appends when supported, and publishes the watermark with the data", async () => {
      const name = entity("incremental");
      const probe = await options.create(name);
      const supported = probe.supports.runTypes.includes("incremental");
      await probe.close?.();
      if (!supported) return;
      const watermark = { column: "id", primaryKey: ["id"] };
      await run(name, sequenceBatches(10, 4), "incremental", { watermark });
      const second = await run(name, sequenceBatches(15, 4), "incremental", { watermark });
      expect(second.rows).toBe(5);
      const rows = await rowsOf(name);
      expect(rows?.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 15 }, (_, i) => String(i)),
      );
      const store = await options.create(name);
      if (store.committedState) {
        const committed = await store.committedState();
        expect(committed?.watermark?.value).toBe("14");
      }
      await store.close?.();
    });

    it("on_schema_change (default): a new column is added, a column gone from the source is kept, the state records the columns", async () => {
      const name = entity("evolve");
      const probe = await options.create(name);
      const supported = probe.supports.runTypes.includes("incremental");
      await probe.close?.();
      if (!supported) return;
      const watermark = { column: "id", primaryKey: ["id"] };
      const first = sequenceBatches(6, 3);
      await run(name, first, "incremental", { watermark });
      // The next source: `amount` is gone, `note` is new; ids 6..9 are new rows.
      const ids = [6n, 7n, 8n, 9n];
      const next = batchOf({
        id: int64Vector(new Int64(), ids),
        name: vectorFromArray(
          ids.map((id) => `name-${id}`),
          new Utf8(),
        ),
        note: vectorFromArray(["n6", null, "n8", "n9"], new Utf8()),
      });
      const second = await run(name, [next], "incremental", { watermark });
      expect(second.rows).toBe(4);
      expect(second.schemaChange).toEqual({
        added: [{ name: "note", type: "string" }],
        widened: [],
        dropped: [],
        kept: [expect.objectContaining({ name: "amount" })],
        ignored: [],
      });
      const rows = (await rowsOf(name)) ?? [];
      const byId = new Map(rows.map((r) => [String(r.id), r]));
      expect([...byId.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 10 }, (_, i) => String(i)),
      );
      expect(rows).toHaveLength(10);
      // Old rows: no note; new rows: the note, and no amount.
      expect(byId.get("2")?.note ?? null).toBeNull();
      expect(byId.get("2")?.amount).not.toBeNull();
      expect(byId.get("8")?.note).toBe("n8");
      expect(byId.get("7")?.note ?? null).toBeNull();
      expect(byId.get("8")?.amount ?? null).toBeNull();
      const store = await options.create(name);
      if (store.committedState) {
        const committed = await store.committedState();
        expect(committed?.schema?.map((c) => c.name)).toEqual(["id", "name", "amount", "note"]);
      }
      await store.close?.();
    });

    it("running the same full_drop twice gives the same data", async () => {
      const name = entity("idempotent");
      const batch = batchOf({ id: sequenceBatches(3, 3)[0]!.getChild("id")! });
      await run(name, [batch]);
      await run(name, [batch]);
      expect((await rowsOf(name))?.length).toBe(3);
    });
  });
}
