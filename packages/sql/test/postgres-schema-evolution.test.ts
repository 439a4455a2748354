import { isHyggeError, type OnSchemaChange, runFlow } from "@hygge/core";
import { batchOf, decimalVector, int64Vector, memoryHome } from "@hygge/core/testing";
import { afterAll, describe, expect, it } from "@jest/globals";
import {
  Float32,
  Float64,
  Int32,
  Int64,
  type RecordBatch,
  TimestampMicrosecond,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { dropOwnTables, pgHome, pgStore, unique, withClient } from "./pg-helpers.js";
import { postgresServers, testContext } from "./servers.js";

/** One kind of column: its values for row ids, hygge's type name, PostgreSQL's type and text. */
interface Kind {
  make(ids: number[]): Vector;
  hygge: string;
  pg: string;
  text(id: number): string;
}

const US = 1_700_000_000_000_000n;
const KINDS = {
  int32: {
    make: (ids) =>
      vectorFromArray(
        ids.map((i) => i * 10),
        new Int32(),
      ),
    hygge: "int32",
    pg: "integer",
    text: (i) => String(i * 10),
  },
  // Beyond int32: proves the widened column really is bigint.
  int64: {
    make: (ids) =>
      int64Vector(
        new Int64(),
        ids.map((i) => BigInt(i) * 10_000_000_000n),
      ),
    hygge: "int64",
    pg: "bigint",
    text: (i) => `${i}0000000000`,
  },
  dec10: {
    make: (ids) =>
      decimalVector(
        10,
        2,
        ids.map((i) => `${i}.25`),
      ),
    hygge: "decimal(10, 2)",
    pg: "numeric(10,2)",
    text: (i) => `${i}.25`,
  },
  dec14: {
    make: (ids) =>
      decimalVector(
        14,
        2,
        ids.map((i) => `${i}2345678901.99`),
      ),
    hygge: "decimal(14, 2)",
    pg: "numeric(14,2)",
    text: (i) => `${i}2345678901.99`,
  },
  float32: {
    make: (ids) =>
      vectorFromArray(
        ids.map((i) => i + 0.5),
        new Float32(),
      ),
    hygge: "float32",
    pg: "real",
    text: (i) => String(i + 0.5),
  },
  // 0.1 is not a float32: a float32 column would have rounded it.
  float64: {
    make: (ids) =>
      vectorFromArray(
        ids.map((i) => i + 0.1),
        new Float64(),
      ),
    hygge: "float64",
    pg: "double precision",
    text: (i) => String(i + 0.1),
  },
  text: {
    make: (ids) =>
      vectorFromArray(
        ids.map((i) => `s${i}`),
        new Utf8(),
      ),
    hygge: "string",
    pg: "text",
    text: (i) => `s${i}`,
  },
  tsz: {
    make: (ids) =>
      int64Vector(
        new TimestampMicrosecond("UTC"),
        ids.map((i) => US + BigInt(i)),
      ),
    hygge: "timestamp[us, UTC]",
    pg: "timestamp with time zone",
    text: (i) => `2023-11-14 22:13:20.00000${i}+00`,
  },
  ts: {
    make: (ids) =>
      int64Vector(
        new TimestampMicrosecond(),
        ids.map((i) => US + BigInt(i)),
      ),
    hygge: "timestamp[us]",
    pg: "timestamp without time zone",
    text: (i) => `2023-11-14 22:13:20.00000${i}`,
  },
} satisfies Record<string, Kind>;
type KindName = keyof typeof KINDS;
type Columns = [name: string, kind: KindName][];

/** `id` (int64, the watermark and key) plus the scenario's columns, in the given order. */
function batch(columns: Columns, ids: number[]): RecordBatch {
  const vectors: Record<string, Vector> = {};
  for (const [name, kind] of columns) {
    vectors[name] =
      kind === "int64" && name === "id" ? int64Vector(new Int64(), ids.map(BigInt)) : KINDS[kind].make(ids);
  }
  return batchOf(vectors);
}

interface Scenario {
  name: string;
  before: Columns;
  after: Columns;
  /** Policies that refuse the change (the others accept it). */
  refused: readonly OnSchemaChange[];
}
const ID: [string, KindName] = ["id", "int64"];
const ALL: readonly OnSchemaChange[] = ["append_new_columns", "sync_all_columns", "fail", "ignore"];
const SCENARIOS: Scenario[] = [
  {
    name: "add a column",
    before: [ID, ["v", "int32"]],
    after: [ID, ["v", "int32"], ["w", "text"]],
    refused: ["fail"],
  },
  {
    name: "widen int32 → int64",
    before: [ID, ["v", "int32"]],
    after: [ID, ["v", "int64"]],
    refused: ["fail", "ignore"],
  },
  {
    name: "widen decimal(10,2) → decimal(14,2)",
    before: [ID, ["v", "dec10"]],
    after: [ID, ["v", "dec14"]],
    refused: ["fail", "ignore"],
  },
  {
    name: "widen float32 → float64",
    before: [ID, ["v", "float32"]],
    after: [ID, ["v", "float64"]],
    refused: ["fail", "ignore"],
  },
  { name: "narrow int64 → int32", before: [ID, ["v", "int64"]], after: [ID, ["v", "int32"]], refused: ALL },
  {
    name: "narrow decimal(14,2) → decimal(10,2)",
    before: [ID, ["v", "dec14"]],
    after: [ID, ["v", "dec10"]],
    refused: ALL,
  },
  { name: "text → int", before: [ID, ["v", "text"]], after: [ID, ["v", "int32"]], refused: ALL },
  { name: "timestamptz → timestamp", before: [ID, ["v", "tsz"]], after: [ID, ["v", "ts"]], refused: ALL },
  { name: "timestamp → timestamptz", before: [ID, ["v", "ts"]], after: [ID, ["v", "tsz"]], refused: ALL },
  {
    name: "drop a column",
    before: [ID, ["v", "int32"], ["w", "text"]],
    after: [ID, ["v", "int32"]],
    refused: ["fail"],
  },
  {
    name: "reorder",
    before: [ID, ["v", "int32"], ["w", "text"]],
    after: [["w", "text"], ["v", "int32"], ID],
    refused: [],
  },
  {
    name: "rename (drop + add)",
    before: [ID, ["v", "int32"]],
    after: [ID, ["u", "int32"]],
    refused: ["fail"],
  },
];

/**
 * The table a run must leave, from the spec of on_schema_change (independent of the engine's
 * code): shared columns take the source's type (widened), columns gone from the source stay
 * (nulls in new rows) unless sync_all_columns drops them, new columns are added unless ignored.
 */
function expectedColumns(s: Scenario, policy: OnSchemaChange): Map<string, KindName> {
  const after = new Map(s.after);
  const out = new Map<string, KindName>();
  for (const [name, kind] of s.before) {
    if (after.has(name)) out.set(name, after.get(name)!);
    else if (policy !== "sync_all_columns") out.set(name, kind);
  }
  for (const [name, kind] of s.after) if (!out.has(name) && policy !== "ignore") out.set(name, kind);
  return out;
}

/** Every row as `column=text` pairs (NULL for nulls), from the two runs' values. */
function expectedRows(
  s: Scenario,
  columns: Map<string, KindName>,
  runType: "incremental" | "merge",
): Record<string, string | null>[] {
  const before = new Map(s.before);
  const after = new Map(s.after);
  const first = [1, 2, 3];
  const second = runType === "incremental" ? [4, 5, 6] : [2, 3, 4, 5];
  const ids = [...new Set([...first, ...second])].sort((a, b) => a - b);
  return ids.map((id) => {
    const row: Record<string, string | null> = {};
    for (const [name] of columns) {
      // The second run writes its own columns; the rest keep the first run's value (merge's
      // UPDATE) or hold NULL (a new row).
      if (second.includes(id) && after.has(name) && name !== "id")
        row[name] = KINDS[after.get(name)!].text(id);
      else if (name === "id") row[name] = String(id);
      else if (first.includes(id) && before.has(name)) row[name] = KINDS[before.get(name)!].text(id);
      else row[name] = null;
    }
    return row;
  });
}

describe.each(postgresServers())("PostgreSQL schema evolution ($label)", ({ url }) => {
  const ctx = testContext(url);
  afterAll(async () => {
    await ctx.resources.closeAll();
    await dropOwnTables(url);
  });

  const run = (
    table: string,
    batches: RecordBatch[],
    runType: "incremental" | "merge",
    policy: OnSchemaChange,
    options: { failAfterBatches?: number; store?: Record<string, unknown> } = {},
  ) =>
    runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome(batches, { failAfterBatches: options.failAfterBatches }),
      store: () => pgStore(ctx, table, options.store),
      runType,
      ...(runType === "incremental"
        ? { watermark: { column: "id", primaryKey: ["id"] } }
        : { primaryKey: ["id"] }),
      onSchemaChange: policy,
    });

  const types = (table: string) =>
    withClient(url, async (c) =>
      Object.fromEntries(
        (
          await c.query(
            "SELECT attname, format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass(quote_ident($1)) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [table],
          )
        ).rows.map((r) => [r.attname as string, r.t as string]),
      ),
    );
  const rows = (table: string) =>
    withClient(url, async (c) => {
      await c.query("SET TimeZone = 'UTC'");
      const names = Object.keys(await types(table));
      const cols = names.map((n) => `"${n}"::text AS "${n}"`).join(", ");
      return (await c.query(`SELECT ${cols} FROM "${table}" ORDER BY id`)).rows;
    });
  const stateRow = (table: string) =>
    withClient(
      url,
      async (c) =>
        (
          await c.query(
            "SELECT run_id, run_type, committed_at::text AS committed_at, watermark::text AS watermark, target, schema FROM hygge_state WHERE flow = 'sqltest' AND entity = $1",
            [table],
          )
        ).rows[0],
    );
  /** Everything a refused run must leave as it was: columns with types, every row, the state row. */
  const dump = async (table: string) => ({
    types: await types(table),
    rows: await rows(table),
    state: await stateRow(table),
  });
  const byName = (columns: { name: string; type: string }[]) =>
    [...columns].sort((a, b) => a.name.localeCompare(b.name));

  describe.each(["incremental", "merge"] as const)("%s", (runType) => {
    const cases = SCENARIOS.flatMap((s) => ALL.map((policy) => [s.name, policy, s] as const));
    it.each(cases)("%s × %s", async (_name, policy, s) => {
      const table = unique("evo");
      await run(table, [batch(s.before, [1, 2, 3])], runType, policy);
      const before = await dump(table);
      const second = runType === "incremental" ? [4, 5, 6] : [2, 3, 4, 5];
      const outcome = await run(table, [batch(s.after, second)], runType, policy).catch((e: unknown) => e);
      if (s.refused.includes(policy)) {
        expect(isHyggeError(outcome) && outcome.code).toBe("SCHEMA_CHANGE_REFUSED");
        expect(await dump(table)).toEqual(before);
        return;
      }
      if (outcome instanceof Error) throw outcome;
      const columns = expectedColumns(s, policy);
      // Columns and their PostgreSQL types (by name: column order is not a change).
      const now = await types(table);
      expect(Object.keys(now).sort()).toEqual([...columns.keys()].sort());
      for (const [name, kind] of columns) expect([name, now[name]]).toEqual([name, KINDS[kind].pg]);
      // Every row exactly once, with its values: old rows hold NULL in new columns, kept columns
      // NULL in new rows (and their old value in merged rows), widened values intact.
      expect(await rows(table)).toEqual(expectedRows(s, columns, runType));
      // The state row records the table's columns after the run.
      const state = await stateRow(table);
      expect(byName(state.schema)).toEqual(
        byName([...columns].map(([name, kind]) => ({ name, type: KINDS[kind].hygge }))),
      );
    });
  });

  it("a failed run rolls the column changes back with the data", async () => {
    const table = unique("evo_rollback");
    await run(
      table,
      [batch([ID, ["v", "int32"], ["w", "text"]], [1, 2, 3])],
      "incremental",
      "sync_all_columns",
    );
    const before = await dump(table);
    // Added u, widened v, dropped w: then the home fails after the first batch was written.
    const changed: Columns = [ID, ["v", "int64"], ["u", "text"]];
    const error = await run(
      table,
      [batch(changed, [4, 5]), batch(changed, [6])],
      "incremental",
      "sync_all_columns",
      {
        failAfterBatches: 1,
      },
    ).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("HOME_READ_FAILED");
    expect(await dump(table)).toEqual(before);
  });

  it("a table published by an older hygge (no recorded schema) is compared through publishedSchema()", async () => {
    const table = unique("evo_legacy");
    await run(table, [batch([ID, ["v", "int32"]], [1, 2, 3])], "incremental", "append_new_columns");
    await withClient(url, async (c) => {
      await c.query('UPDATE hygge_state SET "schema" = NULL WHERE entity = $1', [table]);
      // A column of a type hygge cannot read, added by hand: it must still count as a column.
      await c.query(`ALTER TABLE "${table}" ADD COLUMN geo point`);
    });
    const store = pgStore(ctx, table);
    const published = await store.publishedSchema!();
    expect(published?.exact).toBeFalsy();
    expect(published?.schema.fields.map((f) => `${f.name} ${f.type}`)).toEqual([
      "id Int64",
      "v Int32",
      "geo Null",
    ]);
    expect(await pgStore(ctx, unique("evo_absent")).publishedSchema!()).toBeUndefined();
    const report = await run(
      table,
      [batch([ID, ["v", "int64"], ["w", "text"]], [4, 5])],
      "incremental",
      "append_new_columns",
    );
    expect(report.rows).toBe(2);
    expect(await types(table)).toEqual({ id: "bigint", v: "bigint", geo: "point", w: "text" });
    expect(await rows(table)).toEqual([
      { id: "1", v: "10", geo: null, w: null },
      { id: "2", v: "20", geo: null, w: null },
      { id: "3", v: "30", geo: null, w: null },
      { id: "4", v: "40000000000", geo: null, w: "s4" },
      { id: "5", v: "50000000000", geo: null, w: "s5" },
    ]);
    // geo, read from the table and not sent by the source, is kept but not recorded: it may not be
    // hygge's, so no later sync_all_columns run drops it.
    expect(byName((await stateRow(table)).schema)).toEqual(
      byName([
        { name: "id", type: "int64" },
        { name: "v", type: "int64" },
        { name: "w", type: "string" },
      ]),
    );
  });

  it("a table hygge did not create is not compared or altered (no hygge state): the store's fit check names a missing column, under every policy", async () => {
    // The state table exists (another entity ran), so the dump below can read it.
    await run(unique("evo_seed"), [batch([ID], [1])], "incremental", "append_new_columns");
    for (const policy of ALL) {
      const table = unique("evo_foreign");
      await withClient(url, async (c) => {
        await c.query(
          `CREATE TABLE "${table}" (id bigint, v integer, note text NOT NULL, extra numeric(5,1))`,
        );
        await c.query(`INSERT INTO "${table}" VALUES (1, 10, 'kept', 2.5)`);
      });
      const before = await dump(table);
      const error = await run(
        table,
        [batch([ID, ["v", "int32"], ["w", "text"]], [2, 3])],
        "incremental",
        policy,
      ).catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("SCHEMA_MISMATCH");
      expect(String((error as Error).message)).toContain('the table has no column "w"');
      expect(await dump(table)).toEqual(before);
    }
  });

  it("after a first run into a table hygge did not create, its recorded columns evolve; columns it never recorded are never dropped", async () => {
    const table = unique("evo_foreign_adopted");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id bigint, v integer, extra numeric(5,1))`);
      await c.query(`INSERT INTO "${table}" VALUES (1, 10, 2.5)`);
    });
    await run(table, [batch([ID, ["v", "int32"]], [2])], "incremental", "sync_all_columns");
    expect(byName((await stateRow(table)).schema)).toEqual(
      byName([
        { name: "id", type: "int64" },
        { name: "v", type: "int32" },
      ]),
    );
    // The source drops v and adds w: v (recorded) is dropped, extra (never recorded) stays.
    await run(table, [batch([ID, ["w", "text"]], [3])], "incremental", "sync_all_columns");
    expect(await types(table)).toEqual({ id: "bigint", extra: "numeric(5,1)", w: "text" });
    expect(await rows(table)).toEqual([
      { id: "1", extra: "2.5", w: null },
      { id: "2", extra: null, w: null },
      { id: "3", extra: null, w: "s3" },
    ]);
  });

  it("a column declared wider than the recorded type is never narrowed by a widening (its values stay exact)", async () => {
    const table = unique("evo_wider_by_hand");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id bigint, amount numeric(18,6))`);
      await c.query(`INSERT INTO "${table}" VALUES (1, 1.234567)`);
    });
    // Adopted with decimal(10, 2) recorded; then the source widens to decimal(14, 2), which the
    // column (numeric(18,6)) already holds: ALTER … TYPE numeric(14,2) would round 1.234567.
    await run(table, [batch([ID, ["amount", "dec10"]], [2])], "incremental", "append_new_columns");
    const report = await run(
      table,
      [batch([ID, ["amount", "dec14"]], [3])],
      "incremental",
      "append_new_columns",
    );
    expect(report.schemaChange?.widened).toEqual([
      { name: "amount", from: "decimal(10, 2)", to: "decimal(14, 2)" },
    ]);
    expect(await types(table)).toEqual({ id: "bigint", amount: "numeric(18,6)" });
    expect(await rows(table)).toEqual([
      { id: "1", amount: "1.234567" },
      { id: "2", amount: "2.250000" },
      { id: "3", amount: "32345678901.990000" },
    ]);
  });

  it("a table hygge did not create, nothing to add: a NOT NULL column the rows lack is still refused by the fit check", async () => {
    const table = unique("evo_foreign_notnull");
    await withClient(url, async (c) => {
      await c.query(`CREATE TABLE "${table}" (id bigint, v integer, note text NOT NULL)`);
      await c.query(`INSERT INTO "${table}" VALUES (1, 10, 'kept')`);
    });
    const before = await dump(table);
    const error = await run(
      table,
      [batch([ID, ["v", "int32"]], [2])],
      "incremental",
      "append_new_columns",
    ).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("SCHEMA_MISMATCH");
    expect(String((error as Error).message)).toContain(
      'NOT NULL column "note" without a default would get no value',
    );
    expect(await dump(table)).toEqual(before);
  });

  it("a column change the database refuses names the table, the column and the way out, and leaves the table", async () => {
    const table = unique("evo_refused_ddl");
    await run(table, [batch([ID, ["v", "int32"]], [1, 2])], "incremental", "append_new_columns");
    // A view on the column: PostgreSQL cannot change the type of a column a view uses.
    await withClient(url, (c) => c.query(`CREATE VIEW "${table}_v" AS SELECT v FROM "${table}"`));
    try {
      const before = await dump(table);
      const error = await run(
        table,
        [batch([ID, ["v", "int64"]], [3])],
        "incremental",
        "append_new_columns",
      ).catch((e: unknown) => e);
      expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
      const message = String((error as Error).message);
      expect(message).toContain(`changing column "v" from integer to bigint in ${table}`);
      expect(message).toContain(`Nothing was written; ${table} is as it was.`);
      expect(isHyggeError(error) && error.hint).toContain(
        `ALTER TABLE "${table}" ALTER COLUMN "v" TYPE bigint`,
      );
      expect(await dump(table)).toEqual(before);
    } finally {
      await withClient(url, (c) => c.query(`DROP VIEW "${table}_v"`));
    }
  });

  it("full_drop replaces the table with the batch's columns and records them", async () => {
    const table = unique("evo_full");
    await run(
      table,
      [batch([ID, ["v", "int32"], ["w", "text"]], [1, 2])],
      "incremental",
      "append_new_columns",
    );
    await runFlow({
      flow: "sqltest",
      entity: table,
      home: memoryHome([batch([ID, ["v", "int64"]], [7])]),
      store: () => pgStore(ctx, table),
      onSchemaChange: "fail",
    });
    expect(await types(table)).toEqual({ id: "bigint", v: "bigint" });
    expect(await rows(table)).toEqual([{ id: "7", v: "70000000000" }]);
    expect((await stateRow(table)).schema).toEqual([
      { name: "id", type: "int64" },
      { name: "v", type: "int64" },
    ]);
  });

  it("upgrades a state table without the schema column, and the home describes its columns without reading rows", async () => {
    const entity = unique("evo_oldstate");
    await withClient(url, async (c) => {
      await c.query("CREATE SCHEMA IF NOT EXISTS hygge_evo_state");
      await c.query(
        "CREATE TABLE IF NOT EXISTS hygge_evo_state.hygge_state (flow text NOT NULL, entity text NOT NULL, run_id text NOT NULL, run_type text NOT NULL, committed_at timestamptz NOT NULL, watermark jsonb, target text, PRIMARY KEY (flow, entity))",
      );
    });
    try {
      const table = `hygge_evo_state.${entity}`;
      await run(entity, [batch([ID, ["v", "int32"]], [1])], "incremental", "append_new_columns", {
        store: { table },
      });
      const state = await withClient(url, (c) =>
        c.query('SELECT "schema" FROM hygge_evo_state.hygge_state WHERE entity = $1', [entity]),
      );
      expect(state.rows).toEqual([
        {
          schema: [
            { name: "id", type: "int64" },
            { name: "v", type: "int32" },
          ],
        },
      ]);
      const committed = await pgStore(ctx, entity, { table }).committedState!();
      expect(committed?.schema).toEqual(state.rows[0].schema);
      const read = {
        signal: new AbortController().signal,
        flow: "sqltest",
        entity,
        runType: "full_drop" as const,
      };
      const described = async (options: Record<string, unknown> = {}) =>
        (await pgHome(ctx, entity, { table, ...options }).schema!(read)).fields.map(
          (f) => `${f.name} ${f.type}`,
        );
      expect(await described()).toEqual(["id Int64", "v Int32"]);
      await withClient(url, (c) => c.query(`ALTER TABLE ${table} ADD COLUMN geo point`));
      // The home refuses an unreadable column as its read would, and describes the columns it reads.
      await expect(described()).rejects.toThrow(
        'column "geo" has PostgreSQL type point, which hygge cannot read',
      );
      expect(await described({ columns: ["v"] })).toEqual(["v Int32"]);
    } finally {
      await withClient(url, (c) => c.query("DROP SCHEMA hygge_evo_state CASCADE"));
    }
  });
});
