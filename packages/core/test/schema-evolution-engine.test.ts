import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  type CommitState,
  FileJournal,
  type FlowOptions,
  type HyggeError,
  type OnSchemaChange,
  type RunType,
  runFlow,
  runProject,
  type SchemaEvolution,
  type Store,
  toRows,
} from "@hygge/core";
import {
  batchOf,
  int64Vector,
  MemoryBackend,
  memoryHome,
  memoryPlugin,
  memoryStore,
} from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Int32, Int64, type RecordBatch, Schema, Utf8, vectorFromArray } from "apache-arrow";

const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("the run passed; it should have failed");
    },
    (e: unknown) => e as HyggeError,
  );

/** v1 of the source: id int64, name string, amount int32. */
const v1 = (ids: number[]) =>
  batchOf({
    id: int64Vector(new Int64(), ids.map(BigInt)),
    name: vectorFromArray(
      ids.map((i) => `n${i}`),
      new Utf8(),
    ),
    amount: vectorFromArray(ids, new Int32()),
  });
/** v1 plus a new column `note`. */
const added = (ids: number[]) =>
  batchOf({
    id: int64Vector(new Int64(), ids.map(BigInt)),
    name: vectorFromArray(
      ids.map((i) => `n${i}`),
      new Utf8(),
    ),
    amount: vectorFromArray(ids, new Int32()),
    note: vectorFromArray(
      ids.map((i) => `note${i}`),
      new Utf8(),
    ),
  });
/** amount widened to int64. */
const widened = (ids: number[]) =>
  batchOf({
    id: int64Vector(new Int64(), ids.map(BigInt)),
    name: vectorFromArray(
      ids.map((i) => `n${i}`),
      new Utf8(),
    ),
    amount: int64Vector(
      new Int64(),
      ids.map((i) => BigInt(i) * 10_000_000_000n),
    ),
  });
/** amount became a string: incompatible. */
const incompatible = (ids: number[]) =>
  batchOf({
    id: int64Vector(new Int64(), ids.map(BigInt)),
    name: vectorFromArray(
      ids.map((i) => `n${i}`),
      new Utf8(),
    ),
    amount: vectorFromArray(
      ids.map((i) => `${i}`),
      new Utf8(),
    ),
  });
/** name gone. */
const dropped = (ids: number[]) =>
  batchOf({ id: int64Vector(new Int64(), ids.map(BigInt)), amount: vectorFromArray(ids, new Int32()) });

const V1_SCHEMA = [
  { name: "id", type: "int64" },
  { name: "name", type: "string" },
  { name: "amount", type: "int32" },
];

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A memory store that applies changes of columns (`evolve`) and logs its calls in order. */
function evolvingStore(
  backend: MemoryBackend,
  dataset = "e",
  runTypes: RunType[] = ["full_drop", "incremental", "merge"],
) {
  const calls: string[] = [];
  const evolutions: SchemaEvolution[] = [];
  const store = memoryStore(backend, dataset, { runTypes, onWrite: () => calls.push("write") });
  const open = store.open.bind(store);
  const commit = store.commit.bind(store);
  store.open = async (ctx) => {
    calls.push("open");
    await open(ctx);
  };
  store.commit = async (state) => {
    calls.push("commit");
    return commit(state);
  };
  store.evolve = async (evolution) => {
    calls.push("evolve");
    evolutions.push(structuredClone(evolution));
  };
  return { store: store as Store & typeof store, calls, evolutions };
}

const run = (
  store: Store,
  batches: RecordBatch[],
  extra: Partial<FlowOptions> & { onSchemaChange?: OnSchemaChange } = {},
) =>
  runFlow({
    flow: "f",
    entity: "e",
    home: memoryHome(batches),
    store,
    runType: "incremental",
    storePlugin: "memory-store",
    ...extra,
  });

/** The first run: v1 published, its columns recorded in the committed state. */
async function published(backend: MemoryBackend) {
  const first = evolvingStore(backend);
  const report = await run(first.store, [v1(range(0, 5))]);
  expect(report.schema).toEqual(V1_SCHEMA);
  expect(report.schemaChange).toBeUndefined();
  expect(first.evolutions).toEqual([]);
  return structuredClone(backend.datasets.get("e")!.state!) as CommitState;
}

describe("the engine's schema step (runFlow, memory store)", () => {
  it("a first run records the source's columns in the committed state", async () => {
    const backend = new MemoryBackend();
    const state = await published(backend);
    expect(state.schema).toEqual(V1_SCHEMA);
  });

  for (const [label, batches, policy, message] of [
    [
      "an incompatible type",
      [incompatible(range(5, 8))],
      "append_new_columns",
      'column "amount" was int32 and is now string',
    ],
    ["a new column under fail", [added(range(5, 8))], "fail", 'column "note" (string) is new'],
    [
      "a wider type under ignore",
      [widened(range(5, 8))],
      "ignore",
      'column "amount" was int32 and is now int64',
    ],
    ["a dropped column under fail", [dropped(range(5, 8))], "fail", 'column "name" (string) is gone'],
  ] as const)
    it(`${label}: refused with SCHEMA_CHANGE_REFUSED before any write; the state is unchanged`, async () => {
      const backend = new MemoryBackend();
      const before = await published(backend);
      const rowsBefore = toRows(backend.get("e")!);
      const second = evolvingStore(backend);
      const error = await fail(run(second.store, [...batches, v1(range(8, 10))], { onSchemaChange: policy }));
      expect(error).toMatchObject({ code: "SCHEMA_CHANGE_REFUSED", flow: "f", entity: "e" });
      expect(error.message).toContain(message);
      // A type change no policy accepts says so; the others name the policy that refuses.
      expect(error.message).toContain(
        message.includes(" is now ") && policy === "append_new_columns"
          ? "no on_schema_change policy accepts"
          : `on_schema_change: ${policy}`,
      );
      expect(error.hint).toContain("--full-drop");
      expect(second.calls).toEqual(["open"]); // no evolve, no write, no commit
      expect(second.store.aborted).toHaveLength(1);
      expect(second.store.closed).toBe(1);
      expect(backend.datasets.get("e")!.state).toEqual(before);
      expect(toRows(backend.get("e")!)).toEqual(rowsBefore);
    });

  it("merge runs are refused the same way", async () => {
    const backend = new MemoryBackend();
    const before = await published(backend);
    const second = evolvingStore(backend);
    const error = await fail(
      run(second.store, [incompatible(range(0, 3))], { runType: "merge", primaryKey: ["id"] }),
    );
    expect(error.code).toBe("SCHEMA_CHANGE_REFUSED");
    expect(second.calls).toEqual(["open"]);
    expect(backend.datasets.get("e")!.state).toEqual(before);
  });

  it("evolve is called once, with the evolution, after open and before the first write; the state and the report record it", async () => {
    const backend = new MemoryBackend();
    await published(backend);
    const second = evolvingStore(backend);
    const report = await run(second.store, [added(range(5, 7)), added(range(7, 9)), added(range(9, 10))]);
    expect(second.calls).toEqual(["open", "evolve", "write", "write", "write", "commit"]);
    const target = [...V1_SCHEMA, { name: "note", type: "string" }];
    expect(second.evolutions).toEqual([
      {
        policy: "append_new_columns",
        published: V1_SCHEMA,
        target,
        change: {
          added: [{ name: "note", type: "string" }],
          widened: [],
          dropped: [],
          kept: [],
          ignored: [],
        },
      },
    ]);
    expect(backend.datasets.get("e")!.state!.schema).toEqual(target);
    expect(report.schema).toEqual(target);
    expect(report.schemaChange).toEqual({
      added: [{ name: "note", type: "string" }],
      widened: [],
      dropped: [],
      kept: [],
      ignored: [],
    });
    // The new rows carry the new column; the old ones are as they were.
    const rows = toRows(backend.get("e")!);
    expect(rows).toHaveLength(10);
    expect(rows.slice(5).map((r) => r.note)).toEqual(["note5", "note6", "note7", "note8", "note9"]);
    expect(rows.slice(0, 5).every((r) => !("note" in r))).toBe(true);
  });

  it("a widened type under sync_all_columns (merge): evolve gets the widening, the state records the wider type", async () => {
    const backend = new MemoryBackend();
    await published(backend);
    const second = evolvingStore(backend);
    const report = await run(second.store, [widened(range(0, 3))], {
      runType: "merge",
      primaryKey: ["id"],
      onSchemaChange: "sync_all_columns",
    });
    expect(second.calls).toEqual(["open", "evolve", "write", "commit"]);
    expect(second.evolutions[0]!.change.widened).toEqual([{ name: "amount", from: "int32", to: "int64" }]);
    expect(backend.datasets.get("e")!.state!.schema).toEqual([
      { name: "id", type: "int64" },
      { name: "name", type: "string" },
      { name: "amount", type: "int64" },
    ]);
    expect(report.schemaChange?.widened).toEqual([{ name: "amount", from: "int32", to: "int64" }]);
  });

  it("a dropped column: append_new_columns keeps it; sync_all_columns removes it (both through evolve)", async () => {
    const keep = new MemoryBackend();
    await published(keep);
    const a = evolvingStore(keep);
    const kept = await run(a.store, [dropped(range(5, 7))]);
    // evolve is asked (a NOT NULL column would have to accept nulls); the memory store changes nothing.
    expect(a.calls).toEqual(["open", "evolve", "write", "commit"]);
    expect(kept.schemaChange).toMatchObject({ kept: [{ name: "name", type: "string" }], dropped: [] });
    expect(keep.datasets.get("e")!.state!.schema).toEqual(V1_SCHEMA);

    const sync = new MemoryBackend();
    await published(sync);
    const s = evolvingStore(sync);
    const removed = await run(s.store, [dropped(range(5, 7))], { onSchemaChange: "sync_all_columns" });
    expect(s.calls).toEqual(["open", "evolve", "write", "commit"]);
    expect(removed.schemaChange).toMatchObject({ dropped: [{ name: "name", type: "string" }], kept: [] });
    expect(sync.datasets.get("e")!.state!.schema).toEqual([
      { name: "id", type: "int64" },
      { name: "amount", type: "int32" },
    ]);
  });

  it("ignore leaves new columns out of every batch the store receives; the state keeps the published columns", async () => {
    const backend = new MemoryBackend();
    await published(backend);
    const received: Schema[] = [];
    const second = evolvingStore(backend);
    const write = second.store.write.bind(second.store);
    second.store.write = async (batch) => {
      received.push(batch.schema);
      await write(batch);
    };
    const report = await run(second.store, [added(range(5, 7)), added(range(7, 9))], {
      onSchemaChange: "ignore",
    });
    expect(second.calls).toEqual(["open", "write", "write", "commit"]); // nothing to evolve
    expect(received.map((s) => s.fields.map((f) => f.name))).toEqual([
      ["id", "name", "amount"],
      ["id", "name", "amount"],
    ]);
    const rows = toRows(backend.get("e")!);
    expect(rows).toHaveLength(9);
    expect(rows.some((r) => "note" in r)).toBe(false);
    expect(rows.slice(5).map((r) => [r.id, r.name, r.amount])).toEqual(
      range(5, 9).map((i) => [String(i), `n${i}`, i]),
    );
    expect(backend.datasets.get("e")!.state!.schema).toEqual(V1_SCHEMA);
    expect(report.schemaChange).toMatchObject({ ignored: [{ name: "note", type: "string" }], added: [] });
  });

  it("ignore: a new column between published ones is left out, every other column keeps its values", async () => {
    const backend = new MemoryBackend();
    await published(backend);
    const second = evolvingStore(backend);
    // `extra` sits between name and amount: the batches the store receives must still line up.
    const middle = (ids: number[]) =>
      batchOf({
        id: int64Vector(new Int64(), ids.map(BigInt)),
        name: vectorFromArray(
          ids.map((i) => `n${i}`),
          new Utf8(),
        ),
        extra: vectorFromArray(
          ids.map((i) => `x${i}`),
          new Utf8(),
        ),
        amount: vectorFromArray(ids, new Int32()),
      });
    const received: RecordBatch[] = [];
    const write = second.store.write.bind(second.store);
    second.store.write = async (batch) => {
      received.push(batch);
      await write(batch);
    };
    await run(second.store, [middle(range(5, 8))], { onSchemaChange: "ignore" });
    expect(received).toHaveLength(1);
    const batch = received[0]!;
    expect(batch.schema.fields.map((f) => f.name)).toEqual(["id", "name", "amount"]);
    expect(batch.data.children).toHaveLength(3);
    expect(batch.schema.fields.map((f, i) => [f.name, batch.data.children[i]?.type.toString()])).toEqual([
      ["id", "Int64"],
      ["name", "Utf8"],
      ["amount", "Int32"],
    ]);
    expect(toRows(backend.get("e")!).slice(5)).toEqual(
      range(5, 8).map((i) => ({ id: String(i), name: `n${i}`, amount: i })),
    );
  });

  it("full_drop replaces: a narrower or incompatible source is not refused, nothing is evolved, the new columns are recorded", async () => {
    const backend = new MemoryBackend();
    await published(backend);
    const second = evolvingStore(backend);
    const report = await run(second.store, [incompatible(range(0, 2))], {
      runType: "full_drop",
      onSchemaChange: "fail",
    });
    expect(second.calls).toEqual(["open", "write", "commit"]);
    expect(report.schemaChange).toBeUndefined();
    expect(backend.datasets.get("e")!.state!.schema).toEqual([
      { name: "id", type: "int64" },
      { name: "name", type: "string" },
      { name: "amount", type: "string" },
    ]);
  });

  it("a run that reads no batch keeps the recorded columns", async () => {
    const backend = new MemoryBackend();
    await published(backend);
    const second = evolvingStore(backend);
    const report = await run(second.store, [], { onSchemaChange: "fail" });
    expect(report.rows).toBe(0);
    expect(backend.datasets.get("e")!.state!.schema).toEqual(V1_SCHEMA);
  });

  it("a state without recorded columns (an older hygge): the destination's own columns (publishedSchema) are compared, and never dropped", async () => {
    const table = new Schema([...v1([0]).schema.fields]);
    const legacy = async () => {
      const backend = new MemoryBackend();
      await published(backend);
      delete backend.datasets.get("e")!.state!.schema;
      return backend;
    };
    const a = evolvingStore(await legacy());
    a.store.publishedSchema = async () => ({ schema: table });
    const report = await run(a.store, [dropped(range(5, 7))], { onSchemaChange: "sync_all_columns" });
    expect(report.schemaChange).toMatchObject({ kept: [{ name: "name", type: "string" }], dropped: [] });
    // Under fail, a new column against the destination's columns is refused before any write.
    const b = evolvingStore(await legacy());
    b.store.publishedSchema = async () => ({ schema: table });
    const error = await fail(run(b.store, [added(range(5, 7))], { onSchemaChange: "fail" }));
    expect(error.code).toBe("SCHEMA_CHANGE_REFUSED");
    expect(b.calls).toEqual(["open"]);
  });

  it("a destination without any hygge state is not compared (publishedSchema is not asked): the store's own checks apply", async () => {
    const c = evolvingStore(new MemoryBackend());
    let asked = false;
    c.store.publishedSchema = async () => {
      asked = true;
      return { schema: new Schema([...v1([0]).schema.fields]) };
    };
    const report = await run(c.store, [added(range(0, 2))], { onSchemaChange: "fail" });
    expect(asked).toBe(false);
    expect(report.schemaChange).toBeUndefined();
    expect(c.calls).toEqual(["open", "write", "commit"]);
  });
});

describe("the journal records the change (runProject, memory plugin)", () => {
  it("schema and schemaChange in the run's record; lastSchema is the new columns; a refusal is recorded as a failure", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hygge-evo-journal-"));
    const backend = new MemoryBackend();
    const journal = new FileJournal(dir);
    const project = (policy: OnSchemaChange) => ({
      flows: {
        f: {
          home: { type: "memory", dataset: "src" },
          store: { type: "memory" },
          run_type: "incremental" as const,
          on_schema_change: policy,
          entities: ["a"],
        },
      },
    });
    backend.put("src/a", [v1(range(0, 3))]);
    expect(
      (await runProject({ plugins: [memoryPlugin(backend)], project: project("fail"), journal })).status,
    ).toBe("pass");
    backend.put("src/a", [added(range(3, 5))]);
    const refused = await runProject({ plugins: [memoryPlugin(backend)], project: project("fail"), journal });
    expect(refused.status).toBe("fail");
    expect(refused.flows[0]!.error?.code).toBe("SCHEMA_CHANGE_REFUSED");
    expect(backend.rows("a")).toBe(3);
    const ok = await runProject({
      plugins: [memoryPlugin(backend)],
      project: project("append_new_columns"),
      journal,
    });
    expect(ok.status).toBe("pass");
    expect(backend.rows("a")).toBe(5);
    const [last, failed, first] = await journal.history("f.a");
    expect(first).toMatchObject({ status: "pass", schema: V1_SCHEMA });
    expect(first!.schemaChange).toBeUndefined();
    expect(failed).toMatchObject({ status: "fail", error: { code: "SCHEMA_CHANGE_REFUSED" } });
    expect(failed!.error!.message).toContain('column "note" (string) is new');
    expect(last).toMatchObject({
      status: "pass",
      schema: [...V1_SCHEMA, { name: "note", type: "string" }],
      schemaChange: {
        added: [{ name: "note", type: "string" }],
        widened: [],
        dropped: [],
        kept: [],
        ignored: [],
      },
    });
    const entityRun = { flow: "f", entity: "a" } as Parameters<FileJournal["lastSchema"]>[0];
    expect(await journal.lastSchema(entityRun)).toEqual([...V1_SCHEMA, { name: "note", type: "string" }]);
  });
});
