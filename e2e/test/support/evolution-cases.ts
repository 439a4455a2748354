/**
 * Issue 11's matrix of source changes, as DuckDB SQL over `range(from, to) t(i)`: version 1 of the
 * source, and version 2 per change. Rows are id = i, ts = 1000 + i (one ts per row), so an
 * incremental run after a rewrite of the source reads exactly the rows added since.
 */
export const CHANGES = ["add", "widen", "narrow", "drop", "reorder", "rename"] as const;
export type Change = (typeof CHANGES)[number];
export const POLICIES = ["append_new_columns", "sync_all_columns", "fail", "ignore"] as const;
export type Policy = (typeof POLICIES)[number];

/** Column name → DuckDB expression over `i`. */
export type Columns = [string, string][];

const ID: [string, string] = ["id", "i::BIGINT"];
const TS: [string, string] = ["ts", "(1000 + i)::BIGINT"];
const NAME: [string, string] = ["name", "'name-' || i"];
const AMOUNT: [string, string] = ["amount", "(i * 7)::INTEGER"];
const PRICE: [string, string] = ["price", "(i * 1.25)::DECIMAL(18, 4)"];

export const V1: Columns = [ID, TS, NAME, AMOUNT, PRICE];
/** Recorded (hygge type names) columns of V1, as the store's state.json holds them. */
export const V1_RECORDED = [
  { name: "id", type: "int64" },
  { name: "ts", type: "int64" },
  { name: "name", type: "string" },
  { name: "amount", type: "int32" },
  { name: "price", type: "decimal(18, 4)" },
];

export const V2: Record<Change, Columns> = {
  add: [ID, TS, NAME, AMOUNT, PRICE, ["note", "'note-' || i"]],
  // Values past int32 from the first new row on: a store that kept int32 would overflow.
  widen: [ID, TS, NAME, ["amount", "(3000000000 + i)::BIGINT"], PRICE],
  narrow: [ID, TS, NAME, AMOUNT, ["price", "(i * 1.25)::DECIMAL(10, 2)"]],
  drop: [ID, TS, AMOUNT, PRICE],
  reorder: [PRICE, AMOUNT, TS, NAME, ID],
  rename: [ID, TS, ["title", "'name-' || i"], AMOUNT, PRICE],
};

export interface Outcome {
  /** The refusal: words the error must hold (column, old and new type). */
  refused?: string[];
  /** Columns a reader of the whole destination sees (union by name). */
  columns?: string[];
  /** Columns of version 2 the run does not write (`ignore`). */
  ignored?: string[];
  /** The state's recorded columns after the run (name type). */
  target?: string[];
  /** The pending change the dry run shows (added / widened / dropped / kept / ignored names). */
  change?: Partial<Record<"added" | "widened" | "dropped" | "kept" | "ignored", string[]>>;
}

const BASE = ["id", "ts", "name", "amount", "price"];
const BASE_TARGET = ["id int64", "ts int64", "name string", "amount int32", "price decimal(18, 4)"];
const NEW_NOTE = { refused: ['column "note" (string) is new'] };
const WIDER = { refused: ['column "amount" was int32 and is now int64'] };
const NARROWER = { refused: ['column "price" was decimal(18, 4) and is now decimal(10, 2)'] };

/** What each policy does with each change, on a file store (written out, not derived). */
export const OUTCOMES: Record<Change, Record<Policy, Outcome>> = {
  add: {
    append_new_columns: {
      columns: [...BASE, "note"],
      target: [...BASE_TARGET, "note string"],
      change: { added: ["note"] },
    },
    sync_all_columns: {
      columns: [...BASE, "note"],
      target: [...BASE_TARGET, "note string"],
      change: { added: ["note"] },
    },
    fail: NEW_NOTE,
    ignore: { columns: BASE, ignored: ["note"], target: BASE_TARGET, change: { ignored: ["note"] } },
  },
  widen: {
    append_new_columns: {
      columns: BASE,
      target: ["id int64", "ts int64", "name string", "amount int64", "price decimal(18, 4)"],
      change: { widened: ["amount"] },
    },
    sync_all_columns: {
      columns: BASE,
      target: ["id int64", "ts int64", "name string", "amount int64", "price decimal(18, 4)"],
      change: { widened: ["amount"] },
    },
    fail: WIDER,
    ignore: WIDER,
  },
  narrow: {
    append_new_columns: NARROWER,
    sync_all_columns: NARROWER,
    fail: NARROWER,
    ignore: NARROWER,
  },
  drop: {
    // Files published before keep the column: a reader sees it, null in the new rows.
    append_new_columns: { columns: BASE, target: BASE_TARGET, change: { kept: ["name"] } },
    // A file store cannot drop a column from files it published: kept (and recorded) even here.
    sync_all_columns: { columns: BASE, target: BASE_TARGET, change: { kept: ["name"] } },
    fail: { refused: ['column "name" (string) is gone from the source'] },
    ignore: { columns: BASE, target: BASE_TARGET, change: { kept: ["name"] } },
  },
  reorder: {
    append_new_columns: { columns: BASE, target: BASE_TARGET },
    sync_all_columns: { columns: BASE, target: BASE_TARGET },
    fail: { columns: BASE, target: BASE_TARGET },
    ignore: { columns: BASE, target: BASE_TARGET },
  },
  rename: {
    append_new_columns: {
      columns: [...BASE, "title"],
      target: [...BASE_TARGET, "title string"],
      change: { added: ["title"], kept: ["name"] },
    },
    sync_all_columns: {
      columns: [...BASE, "title"],
      target: [...BASE_TARGET, "title string"],
      change: { added: ["title"], kept: ["name"] },
    },
    fail: { refused: ['column "title" (string) is new', 'column "name" (string) is gone from the source'] },
    ignore: {
      columns: BASE,
      ignored: ["title"],
      target: BASE_TARGET,
      change: { kept: ["name"], ignored: ["title"] },
    },
  },
};

/** `SELECT <columns> FROM range(from, to)` in DuckDB. */
export const rowsOf = (columns: Columns, from: number, to: number) =>
  `SELECT ${columns.map(([n, e]) => `${e} AS "${n}"`).join(", ")} FROM range(${from}, ${to}) t(i)`;

/**
 * What a reader must see, every column as text: rows [0, n1) as version 1 wrote them, rows [n1, n2)
 * as `v2` (minus the ignored columns), null where a version lacks a column.
 */
export function expectedRowsSql(columns: string[], v2: Columns, ignored: string[], n1: number, n2: number) {
  const pick = (version: Columns) =>
    columns
      .map((c) => {
        const found = version.find(([n]) => n === c && !ignored.includes(n));
        return `CAST(${found ? found[1] : "NULL"} AS VARCHAR) AS "${c}"`;
      })
      .join(", ");
  return `SELECT ${pick(V1)} FROM range(0, ${n1}) t(i) UNION ALL SELECT ${pick(v2)} FROM range(${n1}, ${n2}) t(i)`;
}
