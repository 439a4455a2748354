import { Int64, type RecordBatch, type Table, Utf8, vectorFromArray } from "apache-arrow";
import { toRows } from "../arrow/values.js";
import type { RunType } from "../contracts/common.js";
import type { Store } from "../contracts/store.js";
import { isHyggeError } from "../errors.js";
import type { FlowEvent } from "../flow/events.js";
import { runFlow } from "../flow/run-flow.js";
import { expectSameRows } from "./diff.js";
import { jestGlobals } from "./jest-globals.js";
import { memoryHome } from "./memory.js";
import {
  type DestinationState,
  expectClean,
  expectUnchanged,
  handles,
  type Row,
  type StrictCheck,
  type StrictContext,
  strictStoreCases,
} from "./store-strict.js";
import { batchOf, int64Vector, sequenceBatches, typeMatrix } from "./type-matrix.js";

type Data = Table | RecordBatch[] | undefined;

/** What a plugin's test can see of a store's leftovers, checked after abort() and close(). */
export interface StoreInspect {
  /**
   * Everything of `entity` that is not published data or state: staging files, staging tables,
   * temporary objects, named so a failure says what was left. Must be empty after a run that
   * failed, was cancelled or committed (once the store is closed).
   */
  leftovers(entity: string): Promise<string[]>;
  /**
   * Handles the plugin holds open right now (connections, open files, instances). After close()
   * (and the plugin's pool release, if `releaseHandles` is given) it must be back to what it was
   * before the store was created.
   */
  openHandles?(): number | undefined | Promise<number | undefined>;
  /** Releases what the test's shared pool keeps on purpose (e.g. `ctx.resources.closeAll()`) before counting handles. */
  releaseHandles?(): Promise<void>;
}

/** How the suite crashes the store at its fault points (see `faultPoint` and `crashChildRun`). */
export interface StoreCrashOptions {
  /**
   * The store's own fault points (names passed to `faultPoint()` in its commit path), each
   * exercised in turn; the engine's `engine:before-commit` and `engine:after-commit` are added.
   */
  points: readonly string[];
  /**
   * Runs a child process that calls `crashChildRun(entity, create)` (full_drop of `crashData()`
   * into `entity`) with `env` added to its environment (`HYGGE_FAULT_KILL_AT`), and resolves
   * with how it ended. A child that is not killed means the point was never reached: a failure.
   */
  /**
   * Points after which the destination is, as the plugin documents, absent until the next run
   * repairs it (a folder swapped in by two renames), each with that documented reason, shown in
   * the test's title. Only the repair is checked at those points when nothing is there.
   */
  absentAfter?: Record<string, string>;
  spawn(
    entity: string,
    env: Record<string, string>,
  ): Promise<{ signal: string | null; code: number | null; stderr: string }>;
}

export interface StoreSuiteOptions {
  /** Shown in test names. */
  name: string;
  /** A fresh store writing entity `entity`; each test uses its own entity name. */
  create(entity: string): Store | Promise<Store>;
  /**
   * What is published for `entity` now (undefined = nothing), e.g. read with the plugin's own home.
   * Optional when `readBack` is given; when both are, the suite also checks they agree.
   */
  read?(entity: string): Promise<Data>;
  /**
   * What was committed for `entity`, read through another reader than the plugin's (DuckDB or
   * pyarrow over the files, `psql` over the table…): used instead of `read` for every data check,
   * so a writer and reader sharing one bug cannot pass together.
   */
  readBack?(entity: string): Promise<Data>;
  /** A fingerprint of everything at the destination for `entity` (bytes, file names…), if cheaper or stricter than `read`. */
  snapshot?(entity: string): Promise<string>;
  /** Type-matrix columns the store cannot hold (documented by the plugin). */
  excludeTypes?: string[];
  /** Normalises an Arrow type string before comparing schemas (e.g. a store that widens int8 to int16). */
  normalizeType?(column: string, type: string): string;
  /** Skip the schema-type comparison entirely (stores without a typed schema). */
  compareTypes?: boolean;
  /**
   * Leftover staging and open handles, asserted empty after abort() and close(). Without it the
   * checks are skipped, visibly ("skipped: no inspect hook").
   */
  inspect?: StoreInspect;
  /**
   * A store for `entity` whose commit() fails part-way through publishing (the test injects the
   * failure: a storage throwing on the second rename, a connection cut after the first statement).
   * The suite checks the destination is left as before and the next run publishes. Without it the
   * case is skipped, visibly.
   */
  failingCommit?(entity: string): Store | Promise<Store>;
  /** Crash the store at each of its fault points in a child process; without it the case is skipped, visibly. */
  crash?: StoreCrashOptions;
  /**
   * Checks of this suite the plugin cannot pass yet, by name, each with the reason shown in the
   * skipped test's title: `{ "abort-leftovers": "staging tables are dropped by the next open()" }`.
   */
  optOut?: Partial<Record<StrictCheck, string>>;
}

/** The conformance suite every Store runs against a real backend. */
export function testStore(options: StoreSuiteOptions): void {
  const globals = jestGlobals();
  const { describe, expect, it } = globals;
  const what = (text: string) => `${options.name}: ${text}`;
  let counter = 0;
  const entity = (label: string) => `conf_${label}_${process.pid}_${++counter}`;
  const norm = (column: string, type: string) => options.normalizeType?.(column, type) ?? type;
  const readBack = options.readBack ?? options.read;
  if (!readBack) throw new Error(`testStore(${options.name}): give read() or readBack()`);
  const rowsOf = async (name: string) => {
    const data = await readBack(name);
    return data === undefined ? undefined : toRows(data as Table);
  };
  const state = async (name: string): Promise<DestinationState> => ({
    rows: await rowsOf(name),
    snapshot: await options.snapshot?.(name),
  });
  const run = async (name: string, batches: RecordBatch[], runType: RunType = "full_drop", extra = {}) =>
    runFlow({
      flow: "conformance",
      entity: name,
      home: memoryHome(batches),
      store: () => options.create(name),
      runType,
      ...extra,
    });
  const ctx: StrictContext = {
    options,
    globals,
    entity,
    state,
    run: (name, batches, store) => run(name, batches, "full_drop", store ? { store } : {}),
  };
  const ids = (rows: Row[] | undefined): Row[] | undefined => rows?.map((r) => ({ id: r.id ?? null }));
  const idRange = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: String(from + i) }));

  describe(`store conformance: ${options.name}`, () => {
    it("round-trips the type matrix exactly", async () => {
      const name = entity("types");
      const batch = typeMatrix(options.excludeTypes);
      const report = await run(name, [batch]);
      expect(report.rows).toBe(batch.numRows);
      const data = await readBack(name);
      expectSameRows(data, [batch], `${options.name}: the type matrix read back`);
      if (options.read && options.readBack) {
        expectSameRows(
          await options.read(name),
          toRows(data as Table),
          `${options.name}: read() against readBack()`,
        );
      }
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
      expectSameRows(await readBack(name), parts, `${options.name}: the sliced type matrix read back`);
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
      expectSameRows(ids(await rowsOf(name)), idRange(10_000), what("ids of many batches"));
    });

    it("full_drop replaces the previous data", async () => {
      const name = entity("replace");
      await run(name, sequenceBatches(100, 30));
      await run(name, sequenceBatches(7, 3, 1000));
      expectSameRows(ids(await rowsOf(name)), idRange(7, 1000), what("ids after the second full_drop"));
    });

    it("a home failing mid-stream aborts the store and leaves the destination untouched", async () => {
      const name = entity("abort");
      await run(name, sequenceBatches(50, 10));
      const before = await state(name);
      const baseline = await handles(ctx);
      const error = await runFlow({
        flow: "conformance",
        entity: name,
        home: memoryHome(sequenceBatches(500, 10, 5000), { failAfterBatches: 20 }),
        store: () => options.create(name),
      }).catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
      await expectUnchanged(ctx, name, before, what("after a home failed mid-stream"));
      await expectClean(ctx, name, baseline, what("after a home failed mid-stream (abort, close)"));
    });

    it("cancellation leaves the destination untouched", async () => {
      const name = entity("cancel");
      await run(name, sequenceBatches(20, 10));
      const before = await state(name);
      const baseline = await handles(ctx);
      const controller = new AbortController();
      const error = await runFlow({
        flow: "conformance",
        entity: name,
        home: memoryHome(sequenceBatches(1000, 10, 9000), { onYield: (i) => i === 5 && controller.abort() }),
        store: () => options.create(name),
        signal: controller.signal,
      }).catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("ABORTED");
      await expectUnchanged(ctx, name, before, what("after a cancelled run"));
      await expectClean(ctx, name, baseline, what("after a cancelled run (abort, close)"));
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
      const sortedIds = ids(rows)?.sort((a, b) => Number(a.id) - Number(b.id));
      expectSameRows(sortedIds, idRange(15), what("ids after two incremental runs"));
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

    strictStoreCases(ctx);
  });
}
