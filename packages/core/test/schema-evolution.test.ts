import {
  changesDestination,
  DEFAULT_ON_SCHEMA_CHANGE,
  decideSchema,
  describeChange,
  hasChange,
  holds,
  ON_SCHEMA_CHANGE,
  type OnSchemaChange,
  type RecordedColumn,
  type SchemaDecision,
  schemaRefusedError,
  typeRelation,
} from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int32,
  Int64,
  LargeBinary,
  LargeUtf8,
  Schema,
  TimeMicrosecond,
  TimeMillisecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  Uint32,
  Uint64,
  Utf8,
} from "apache-arrow";

/** An Arrow schema from [name, type, nullable?] (nullable unless false). */
const schema = (...cols: [string, DataType, boolean?][]) =>
  new Schema(cols.map(([name, type, nullable]) => new Field(name, type, nullable ?? true)));
const dec = (precision: number, scale: number) => new Decimal(scale, precision, 128);

/** What the destination holds before the run (as the committed state records it). */
const PUBLISHED: RecordedColumn[] = [
  { name: "id", type: "int64", nullable: false },
  { name: "name", type: "string" },
  { name: "amount", type: "int32" },
  { name: "price", type: "decimal(18, 4)" },
];
const ID = ["id", new Int64(), false] as [string, DataType, boolean];
const NAME = ["name", new Utf8()] as [string, DataType];
const AMOUNT = ["amount", new Int32()] as [string, DataType];
const PRICE = ["price", dec(18, 4)] as [string, DataType];

/** Each change of the source against PUBLISHED. */
const CHANGES = {
  add: schema(ID, NAME, AMOUNT, PRICE, ["note", new Utf8()]),
  widen: schema(ID, NAME, ["amount", new Int64()], PRICE),
  narrow: schema(ID, NAME, AMOUNT, ["price", dec(10, 2)]),
  incompatible: schema(ID, NAME, ["amount", new Utf8()], PRICE),
  drop: schema(ID, AMOUNT, PRICE),
  reorder: schema(PRICE, AMOUNT, NAME, ID),
  rename: schema(ID, ["title", new Utf8()], AMOUNT, PRICE),
  "primary key dropped": schema(NAME, AMOUNT, PRICE),
  nullability: schema(["id", new Int64(), true], ["name", new Utf8(), false], AMOUNT, PRICE),
} as const;
type ChangeName = keyof typeof CHANGES;

/** The decision, reduced to what a reader checks: refusals, the change, the target and the columns written. */
interface Expected {
  refused?: string[]; // "<why> <column>"
  added?: string[];
  widened?: string[]; // "<name> <from> → <to>"
  dropped?: string[];
  kept?: string[];
  ignored?: string[];
  target?: string[]; // "<name> <type>[ not null]"
  write?: string[];
}

const col = (c: RecordedColumn) => `${c.name} ${c.type}${c.nullable === false ? " not null" : ""}`;
const PUBLISHED_TARGET = PUBLISHED.map(col);

/**
 * The matrix, written out by hand (not derived from the implementation): what each policy does
 * with each change of an incremental or merge run.
 */
const MATRIX: Record<ChangeName, Record<OnSchemaChange, Expected>> = {
  add: {
    append_new_columns: { added: ["note"], target: [...PUBLISHED_TARGET, "note string"] },
    sync_all_columns: { added: ["note"], target: [...PUBLISHED_TARGET, "note string"] },
    fail: { refused: ["added note"] },
    ignore: { ignored: ["note"], target: PUBLISHED_TARGET, write: ["id", "name", "amount", "price"] },
  },
  widen: {
    append_new_columns: {
      widened: ["amount int32 → int64"],
      target: ["id int64 not null", "name string", "amount int64", "price decimal(18, 4)"],
    },
    sync_all_columns: {
      widened: ["amount int32 → int64"],
      target: ["id int64 not null", "name string", "amount int64", "price decimal(18, 4)"],
    },
    fail: { refused: ["widened amount"] },
    ignore: { refused: ["widened amount"] },
  },
  narrow: {
    append_new_columns: { refused: ["narrowed price"] },
    sync_all_columns: { refused: ["narrowed price"] },
    fail: { refused: ["narrowed price"] },
    ignore: { refused: ["narrowed price"] },
  },
  incompatible: {
    append_new_columns: { refused: ["incompatible amount"] },
    sync_all_columns: { refused: ["incompatible amount"] },
    fail: { refused: ["incompatible amount"] },
    ignore: { refused: ["incompatible amount"] },
  },
  drop: {
    append_new_columns: { kept: ["name"], target: PUBLISHED_TARGET },
    sync_all_columns: {
      dropped: ["name"],
      target: ["id int64 not null", "amount int32", "price decimal(18, 4)"],
    },
    fail: { refused: ["dropped name"] },
    ignore: { kept: ["name"], target: PUBLISHED_TARGET },
  },
  reorder: {
    append_new_columns: { target: PUBLISHED_TARGET },
    sync_all_columns: { target: PUBLISHED_TARGET },
    fail: { target: PUBLISHED_TARGET },
    ignore: { target: PUBLISHED_TARGET },
  },
  rename: {
    append_new_columns: { kept: ["name"], added: ["title"], target: [...PUBLISHED_TARGET, "title string"] },
    sync_all_columns: {
      dropped: ["name"],
      added: ["title"],
      target: ["id int64 not null", "amount int32", "price decimal(18, 4)", "title string"],
    },
    fail: { refused: ["added title", "dropped name"] },
    ignore: {
      kept: ["name"],
      ignored: ["title"],
      target: PUBLISHED_TARGET,
      write: ["id", "amount", "price"],
    },
  },
  "primary key dropped": {
    append_new_columns: { refused: ["key dropped id"] },
    sync_all_columns: { refused: ["key dropped id"] },
    fail: { refused: ["key dropped id"] },
    ignore: { refused: ["key dropped id"] },
  },
  nullability: {
    // The source's id may now hold nulls: the target no longer promises not null; a column that
    // became not null in the source stays nullable in the destination (older rows may hold nulls).
    append_new_columns: { target: ["id int64", "name string", "amount int32", "price decimal(18, 4)"] },
    sync_all_columns: { target: ["id int64", "name string", "amount int32", "price decimal(18, 4)"] },
    fail: { target: ["id int64", "name string", "amount int32", "price decimal(18, 4)"] },
    ignore: { target: ["id int64", "name string", "amount int32", "price decimal(18, 4)"] },
  },
};

function reduce(d: SchemaDecision): Expected {
  const out: Expected = {};
  if (d.refused) {
    out.refused = d.refused.map((r) => `${r.why} ${r.column}`);
    return out;
  }
  const c = d.evolution!.change;
  if (c.added.length) out.added = c.added.map((x) => x.name);
  if (c.widened.length) out.widened = c.widened.map((w) => `${w.name} ${w.from} → ${w.to}`);
  if (c.dropped.length) out.dropped = c.dropped.map((x) => x.name);
  if (c.kept.length) out.kept = c.kept.map((x) => x.name);
  if (c.ignored.length) out.ignored = c.ignored.map((x) => x.name);
  out.target = d.target.map(col);
  if (d.write) out.write = d.write;
  return out;
}

describe("decideSchema: changes × policies × run types", () => {
  it("the policies are the dbt vocabulary, append_new_columns by default", () => {
    expect([...ON_SCHEMA_CHANGE].sort()).toEqual([
      "append_new_columns",
      "fail",
      "ignore",
      "sync_all_columns",
    ]);
    expect(DEFAULT_ON_SCHEMA_CHANGE).toBe("append_new_columns");
  });

  for (const runType of ["incremental", "merge"] as const)
    for (const [change, byPolicy] of Object.entries(MATRIX) as [
      ChangeName,
      Record<OnSchemaChange, Expected>,
    ][])
      for (const [policy, expected] of Object.entries(byPolicy) as [OnSchemaChange, Expected][])
        it(`${runType}: ${change} under ${policy}`, () => {
          const decision = decideSchema({
            published: PUBLISHED,
            incoming: CHANGES[change],
            policy,
            runType,
            primaryKey: ["id"],
          });
          expect(reduce(decision)).toEqual(expected);
          if (decision.refused) return;
          const evolution = decision.evolution!;
          expect(evolution.policy).toBe(policy);
          expect(evolution.published).toEqual(PUBLISHED);
          expect(evolution.target).toEqual(decision.target);
          // The store is asked to change when a column is added, widened, removed or kept (a kept
          // NOT NULL column must accept nulls); ignored columns change nothing in the destination.
          const must = !!(expected.added || expected.widened || expected.dropped || expected.kept);
          expect(changesDestination(evolution.change)).toBe(must);
          expect(hasChange(evolution.change)).toBe(must || !!(expected.kept || expected.ignored));
        });

  for (const change of Object.keys(CHANGES) as ChangeName[])
    for (const policy of ON_SCHEMA_CHANGE)
      it(`full_drop: ${change} under ${policy} replaces the destination (target = incoming, nothing refused)`, () => {
        const decision = decideSchema({
          published: PUBLISHED,
          incoming: CHANGES[change],
          policy,
          runType: "full_drop",
          primaryKey: ["id"],
        });
        expect(decision).toEqual({
          target: CHANGES[change].fields.map((f) => ({
            name: f.name,
            type: expect.any(String),
            ...(f.nullable ? {} : { nullable: false }),
          })),
        });
        expect(decision.target.map((c) => c.name)).toEqual(CHANGES[change].fields.map((f) => f.name));
        expect(decision.evolution).toBeUndefined();
        expect(decision.refused).toBeUndefined();
      });

  it("a first run (nothing published) records the incoming columns and decides nothing", () => {
    for (const policy of ON_SCHEMA_CHANGE) {
      const decision = decideSchema({ incoming: CHANGES.add, policy, runType: "incremental" });
      expect(decision).toEqual({
        target: [
          { name: "id", type: "int64", nullable: false },
          { name: "name", type: "string" },
          { name: "amount", type: "int32" },
          { name: "price", type: "decimal(18, 4)" },
          { name: "note", type: "string" },
        ],
      });
    }
  });

  it("is pure: the same input gives the same decision, and the input is not changed", () => {
    const published = structuredClone(PUBLISHED);
    const input = {
      published,
      incoming: CHANGES.rename,
      policy: "sync_all_columns" as const,
      runType: "incremental" as const,
    };
    expect(decideSchema(input)).toEqual(decideSchema(input));
    expect(published).toEqual(PUBLISHED);
  });

  it("several changes at once are all reported; every refused column is named", () => {
    const incoming = schema(ID, ["amount", new Utf8()], ["price", dec(10, 2)], ["extra", new Float64()]);
    const d = decideSchema({ published: PUBLISHED, incoming, policy: "fail", runType: "incremental" });
    expect(d.refused?.map((r) => `${r.why} ${r.column}`).sort()).toEqual([
      "added extra",
      "dropped name",
      "incompatible amount",
      "narrowed price",
    ]);
    const ok = decideSchema({
      published: PUBLISHED,
      incoming: schema(ID, ["amount", new Int64()], ["price", dec(20, 6)], ["extra", new Float64()]),
      policy: "append_new_columns",
      runType: "merge",
      primaryKey: ["id"],
    });
    expect(reduce(ok)).toEqual({
      added: ["extra"],
      widened: ["amount int32 → int64", "price decimal(18, 4) → decimal(20, 6)"],
      kept: ["name"],
      target: ["id int64 not null", "name string", "amount int64", "price decimal(20, 6)", "extra float64"],
    });
    expect(describeChange(ok.evolution!.change)).toBe(
      "added extra (float64); widened amount int32 → int64, price decimal(18, 4) → decimal(20, 6); no longer in the source (kept, nulls) name",
    );
  });

  it("a recorded type hygge cannot parse back is the same only under the same name", () => {
    const published: RecordedColumn[] = [{ name: "geo", type: "geometry(point)" }];
    const same = decideSchema({
      published,
      incoming: schema(["geo", new Utf8()]),
      policy: "append_new_columns",
      runType: "incremental",
    });
    expect(same.refused?.map((r) => [r.why, r.from, r.to])).toEqual([
      ["incompatible", "geometry(point)", "string"],
    ]);
  });
});

describe("decideSchema: columns read from the destination (no recorded schema)", () => {
  // A PostgreSQL table published before hygge recorded schemas: bigint, text, numeric(38, 10).
  const fromTable: RecordedColumn[] = [
    { name: "id", type: "int64" },
    { name: "name", type: "string" },
    { name: "amount", type: "decimal(38, 10)" },
    { name: "small", type: "int32" },
  ];
  const decide = (incoming: Schema, policy: OnSchemaChange) =>
    decideSchema({
      published: fromTable,
      fromDestination: true,
      incoming,
      policy,
      runType: "incremental",
    });

  it("a narrower or differently named source type is left to the store's own checks: no refusal, the source's type is recorded", () => {
    const d = decide(
      schema(["id", new Int32()], ["name", new Utf8()], ["amount", new Utf8()], ["small", new Int32()]),
      "append_new_columns",
    );
    expect(reduce(d)).toEqual({
      // The source's types are recorded: the next run compares with them, strictly.
      target: ["id int32", "name string", "amount string", "small int32"],
    });
  });

  it("a wider source type still widens the table; a new column is still added", () => {
    const d = decide(
      schema(
        ["id", new Int64()],
        ["name", new Utf8()],
        ["amount", dec(38, 10)],
        ["small", new Int64()],
        ["n", new Bool()],
      ),
      "append_new_columns",
    );
    expect(reduce(d)).toEqual({
      added: ["n"],
      widened: ["small int32 → int64"],
      target: ["id int64", "name string", "amount decimal(38, 10)", "small int64", "n bool"],
    });
  });

  it("columns read from the destination are never dropped, even under sync_all_columns (they may not be hygge's), nor recorded", () => {
    const incoming = schema(["id", new Int64()], ["amount", dec(38, 10)], ["small", new Int32()]);
    const first = decide(incoming, "sync_all_columns");
    expect(reduce(first)).toEqual({
      kept: ["name"],
      target: ["id int64", "amount decimal(38, 10)", "small int32"],
    });
    // The next run compares with what was recorded: `name` is not hygge's, so it is never dropped.
    const next = decideSchema({
      published: first.target,
      incoming,
      policy: "sync_all_columns",
      runType: "incremental",
    });
    expect(reduce(next)).toEqual({ target: ["id int64", "amount decimal(38, 10)", "small int32"] });
  });

  it("a store that cannot drop a published column (files) keeps it under sync_all_columns, recorded", () => {
    const published: RecordedColumn[] = [
      { name: "id", type: "int64" },
      { name: "x", type: "int64" },
    ];
    const gone = schema(["id", new Int64()]);
    const d = decideSchema({
      published,
      incoming: gone,
      policy: "sync_all_columns",
      runType: "incremental",
      canDrop: false,
    });
    expect(reduce(d)).toEqual({ kept: ["x"], target: ["id int64", "x int64"] });
    // x comes back as a string: compared with the int64 older files hold, refused.
    const back = decideSchema({
      published: d.target,
      incoming: schema(["id", new Int64()], ["x", new Utf8()]),
      policy: "sync_all_columns",
      runType: "incremental",
      canDrop: false,
    });
    expect(back.refused).toEqual([{ column: "x", from: "int64", to: "string", why: "incompatible" }]);
  });

  it("fail still refuses a new column read against the destination", () => {
    const d = decide(
      schema(
        ["id", new Int64()],
        ["name", new Utf8()],
        ["amount", dec(38, 10)],
        ["small", new Int32()],
        ["n", new Bool()],
      ),
      "fail",
    );
    expect(d.refused).toEqual([{ column: "n", to: "bool", why: "added" }]);
  });
});

describe("typeRelation and holds", () => {
  const f = (type: DataType) => new Field("c", type, true);
  const RELATIONS: [string, DataType, DataType, string][] = [
    ["int32 → int32", new Int32(), new Int32(), "same"],
    ["utf8 → large utf8 (both string)", new Utf8(), new LargeUtf8(), "same"],
    ["int32 → int64", new Int32(), new Int64(), "widened"],
    ["int64 → int32", new Int64(), new Int32(), "narrowed"],
    ["int8 → int32", new Int8(), new Int32(), "widened"],
    ["uint32 → int64", new Uint32(), new Int64(), "widened"],
    ["int64 → uint64", new Int64(), new Uint64(), "incompatible"],
    ["uint64 → int64", new Uint64(), new Int64(), "incompatible"],
    ["float32 → float64", new Float32(), new Float64(), "widened"],
    ["float64 → float32", new Float64(), new Float32(), "narrowed"],
    ["int64 → float64 (not exact)", new Int64(), new Float64(), "incompatible"],
    ["int32 → float64", new Int32(), new Float64(), "incompatible"],
    ["decimal(10, 2) → decimal(12, 4)", dec(10, 2), dec(12, 4), "widened"],
    ["decimal(12, 4) → decimal(10, 2)", dec(12, 4), dec(10, 2), "narrowed"],
    ["decimal(10, 2) → decimal(10, 4) (fewer integer digits)", dec(10, 2), dec(10, 4), "incompatible"],
    ["decimal(18, 4) → decimal(10, 2)", dec(18, 4), dec(10, 2), "narrowed"],
    ["int32 → decimal(10, 0)", new Int32(), dec(10, 0), "widened"],
    ["int32 → decimal(12, 2)", new Int32(), dec(12, 2), "widened"],
    ["int64 → decimal(18, 0) (19 digits needed)", new Int64(), dec(18, 0), "incompatible"],
    ["decimal(10, 0) → int32", dec(10, 0), new Int32(), "narrowed"],
    ["timestamp[ms] → timestamp[us]", new TimestampMillisecond(), new TimestampMicrosecond(), "widened"],
    ["timestamp[ns] → timestamp[ms]", new TimestampNanosecond(), new TimestampMillisecond(), "narrowed"],
    [
      "timestamp[ms, UTC] → timestamp[ns, UTC]",
      new TimestampMillisecond("UTC"),
      new TimestampNanosecond("UTC"),
      "widened",
    ],
    [
      "timestamp[us, UTC] → timestamp[us]",
      new TimestampMicrosecond("UTC"),
      new TimestampMicrosecond(),
      "incompatible",
    ],
    [
      "timestamp[us] → timestamp[us, UTC]",
      new TimestampMicrosecond(),
      new TimestampMicrosecond("UTC"),
      "incompatible",
    ],
    [
      "timestamp[ms] → timestamp[us, UTC]",
      new TimestampMillisecond(),
      new TimestampMicrosecond("UTC"),
      "incompatible",
    ],
    ["time[ms] → time[us]", new TimeMillisecond(), new TimeMicrosecond(), "widened"],
    ["time[us] → time[ms]", new TimeMicrosecond(), new TimeMillisecond(), "narrowed"],
    ["string → int64", new Utf8(), new Int64(), "incompatible"],
    ["int64 → string", new Int64(), new Utf8(), "incompatible"],
    ["date → timestamp[us]", new DateDay(), new TimestampMicrosecond(), "incompatible"],
    ["bool → int8", new Bool(), new Int8(), "incompatible"],
    ["binary → large binary (both binary)", new Binary(), new LargeBinary(), "same"],
  ];
  for (const [label, from, to, relation] of RELATIONS)
    it(`${label}: ${relation}`, () => {
      expect(typeRelation(f(from), f(to))).toBe(relation);
    });

  it("nullability is not a type change", () => {
    expect(typeRelation(new Field("c", new Int64(), false), new Field("c", new Int64(), true))).toBe("same");
  });

  const HOLDS: [string, DataType, DataType, boolean][] = [
    ["int64 holds int32", new Int64(), new Int32(), true],
    ["int32 does not hold int64", new Int32(), new Int64(), false],
    ["int64 holds uint32", new Int64(), new Uint32(), true],
    ["int32 does not hold uint32", new Int32(), new Uint32(), false],
    ["uint64 does not hold int8", new Uint64(), new Int8(), false],
    ["float64 holds float32", new Float64(), new Float32(), true],
    ["large utf8 holds utf8", new LargeUtf8(), new Utf8(), true],
    ["utf8 does not hold large utf8", new Utf8(), new LargeUtf8(), false],
    ["large binary holds binary", new LargeBinary(), new Binary(), true],
    ["decimal(12, 2) holds int32", dec(12, 2), new Int32(), true],
    ["decimal(11, 2) does not hold int32", dec(11, 2), new Int32(), false],
    ["decimal(20, 0) holds uint64", dec(20, 0), new Uint64(), true],
    ["decimal(12, 4) holds decimal(10, 2)", dec(12, 4), dec(10, 2), true],
    ["decimal(12, 4) does not hold decimal(12, 2)", dec(12, 4), dec(12, 2), false],
    [
      "timestamp[ns, UTC] holds timestamp[ms, UTC]",
      new TimestampNanosecond("UTC"),
      new TimestampMillisecond("UTC"),
      true,
    ],
    [
      "timestamp[ns] does not hold timestamp[ms, UTC]",
      new TimestampNanosecond(),
      new TimestampMillisecond("UTC"),
      false,
    ],
    ["int64 does not hold float32", new Int64(), new Float32(), false],
    ["string does not hold int32", new Utf8(), new Int32(), false],
  ];
  for (const [label, wide, narrow, result] of HOLDS)
    it(label, () => {
      expect(holds(wide, narrow)).toBe(result);
    });
});

describe("the refusal: names the columns, the types and the ways out", () => {
  const refuse = (incoming: Schema, policy: OnSchemaChange) => {
    const d = decideSchema({
      published: PUBLISHED,
      incoming,
      policy,
      runType: "incremental",
      primaryKey: ["id"],
    });
    expect(d.refused).toBeDefined();
    return schemaRefusedError(d.refused!, policy);
  };

  it("a narrowed type: column, old and new type, cast / columns: / --full-drop; no policy would help", () => {
    const e = refuse(CHANGES.narrow, "append_new_columns");
    expect(e.code).toBe("SCHEMA_CHANGE_REFUSED");
    expect(e.message).toContain('column "price" was decimal(18, 4) and is now decimal(10, 2)');
    expect(e.message).toContain("narrower");
    expect(e.message).toContain("no on_schema_change policy accepts");
    expect(e.message).toContain("Nothing was written");
    expect(e.hint).toContain("CAST(");
    expect(e.hint).toContain("columns:");
    expect(e.hint).toContain("--full-drop");
    expect(e.hint).not.toContain("set on_schema_change");
  });

  it("an incompatible type names both types", () => {
    const e = refuse(CHANGES.incompatible, "sync_all_columns");
    expect(e.message).toContain('column "amount" was int32 and is now string (incompatible types)');
    expect(e.hint).toContain("CAST(");
    expect(e.hint).toContain("--full-drop");
  });

  it("fail: a new column, a dropped one and a widened one, with the policies that would accept them", () => {
    const add = refuse(CHANGES.add, "fail");
    expect(add.message).toContain('column "note" (string) is new');
    expect(add.hint).toContain("on_schema_change: append_new_columns");
    expect(add.hint).toContain("sync_all_columns");
    expect(add.hint).toContain("--full-drop");
    expect(add.hint).not.toContain("CAST(");
    const drop = refuse(CHANGES.drop, "fail");
    expect(drop.message).toContain('column "name" (string) is gone from the source');
    const rename = refuse(CHANGES.rename, "fail");
    expect(rename.message).toContain('column "title" (string) is new');
    expect(rename.message).toContain('column "name" (string) is gone from the source');
    const widen = refuse(CHANGES.widen, "fail");
    expect(widen.message).toContain('column "amount" was int32 and is now int64 (wider)');
  });

  it("ignore cannot ignore a wider type: it says so and points at append_new_columns", () => {
    const e = refuse(CHANGES.widen, "ignore");
    expect(e.message).toContain('column "amount" was int32 and is now int64');
    expect(e.message).toContain("on_schema_change: ignore");
    expect(e.hint).toContain("append_new_columns");
  });

  it("a dropped primary key column: names it and says to keep it or change primary_key", () => {
    const e = refuse(CHANGES["primary key dropped"], "append_new_columns");
    expect(e.message).toContain('primary key column "id" (int64) is gone from the source');
    expect(e.hint).toContain("primary_key");
    expect(e.hint).toContain("--full-drop");
  });
});
