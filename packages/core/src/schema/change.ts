import type { Schema } from "apache-arrow";
import { typeNameOf } from "../arrow/type-names.js";
import type { RunType } from "../contracts/common.js";
import { HyggeError } from "../errors.js";
import { fieldOfRecord, type RecordedColumn, recordSchema } from "./recorded.js";
import { typeRelation } from "./widen.js";

/** `on_schema_change`: what an incremental or merge run does when the source's columns changed. */
export const ON_SCHEMA_CHANGE = ["append_new_columns", "sync_all_columns", "fail", "ignore"] as const;
export type OnSchemaChange = (typeof ON_SCHEMA_CHANGE)[number];
/** Keeps nightly runs going and never loses a value: new columns are added, nothing is removed. */
export const DEFAULT_ON_SCHEMA_CHANGE: OnSchemaChange = "append_new_columns";

export interface WidenedColumn {
  name: string;
  from: string;
  to: string;
}

/** What a run changes in the destination's columns (names and hygge type names). */
export interface SchemaChange {
  /** New in the source: added to the destination (older rows and files hold nulls). */
  added: RecordedColumn[];
  /** A wider type in the source: widened in the destination (SQL), recorded for files. */
  widened: WidenedColumn[];
  /** Gone from the source and removed from the destination (`sync_all_columns`, SQL stores). */
  dropped: RecordedColumn[];
  /** Gone from the source, kept in the destination: the run's rows hold nulls there. */
  kept: RecordedColumn[];
  /** New in the source and not written (`ignore`). */
  ignored: RecordedColumn[];
}

/**
 * The engine's decision for one run, handed to `Store.evolve()` before the first write and
 * recorded with the commit (`CommitState.schema` = `target`).
 */
export interface SchemaEvolution {
  policy: OnSchemaChange;
  /** The destination's columns before the run. */
  published: RecordedColumn[];
  /** The destination's columns once the run is published. */
  target: RecordedColumn[];
  change: SchemaChange;
}

/** One reason a change is refused. */
export interface SchemaRefusal {
  column: string;
  from?: string;
  to?: string;
  why: "narrowed" | "incompatible" | "added" | "dropped" | "widened" | "key dropped";
}

export interface SchemaDecision {
  /** Undefined when nothing was published before (a first run) or the run replaces everything (full_drop). */
  evolution?: SchemaEvolution;
  /** The destination's columns after the run: what the commit records. */
  target: RecordedColumn[];
  /** The columns the store receives, when they are fewer than the source's (`ignore`). */
  write?: string[];
  /** Set when the policy refuses the change: the run must fail before writing anything. */
  refused?: SchemaRefusal[];
}

const emptyChange = (): SchemaChange => ({
  added: [],
  widened: [],
  dropped: [],
  kept: [],
  ignored: [],
});

export function hasChange(change: SchemaChange | undefined): boolean {
  if (!change) return false;
  return (
    change.added.length +
      change.widened.length +
      change.dropped.length +
      change.kept.length +
      change.ignored.length >
    0
  );
}

/**
 * Whether the store may have to change the destination in place: columns added, widened or
 * dropped, or kept (gone from the source: a NOT NULL column must accept the nulls of new rows).
 */
export function changesDestination(change: SchemaChange): boolean {
  return change.added.length + change.widened.length + change.dropped.length + change.kept.length > 0;
}

export interface DecideInput {
  /** The destination's recorded columns, or undefined when nothing was published. */
  published?: readonly RecordedColumn[];
  /**
   * `published` was read from the destination itself (a table without a recorded schema): its
   * types are what the database calls them, so a narrower or differently named source type is
   * left to the store's own exact checks, and only new, dropped and wider columns count.
   */
  fromDestination?: boolean;
  incoming: Schema;
  policy: OnSchemaChange;
  runType: RunType;
  primaryKey?: readonly string[];
  /**
   * The store can remove a column from what it published (SQL: DROP COLUMN). File stores cannot
   * (older files keep it): under sync_all_columns their dropped columns are kept, so a column that
   * comes back with another type is compared with the one older files hold. Default true.
   */
  canDrop?: boolean;
}

/**
 * Compares the source's columns with the destination's, by name, and applies the policy. Column
 * order is not a change (stores write by name). Pure: the same input gives the same decision.
 */
export function decideSchema(input: DecideInput): SchemaDecision {
  const incoming = recordSchema(input.incoming);
  if (!input.published || input.runType === "full_drop") return { target: incoming };
  const { policy } = input;
  const change = emptyChange();
  const refused: SchemaRefusal[] = [];
  const byName = new Map(input.incoming.fields.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const target: RecordedColumn[] = [];
  for (const old of input.published) {
    seen.add(old.name);
    const now = byName.get(old.name);
    if (!now) {
      if (input.primaryKey?.includes(old.name)) {
        refused.push({ column: old.name, from: old.type, why: "key dropped" });
        continue;
      }
      // Only columns hygge recorded are dropped: read from the destination, a column may be
      // somebody else's (added by hand), and hygge never deletes what it did not write.
      if (policy === "sync_all_columns" && !input.fromDestination && input.canDrop !== false)
        change.dropped.push(old);
      else {
        change.kept.push(old);
        // Holds nulls from now on. Read from the destination, it is not recorded: hygge never
        // owns (and a later sync_all_columns run never drops) a column it did not record.
        if (!input.fromDestination) target.push({ name: old.name, type: old.type });
      }
      continue;
    }
    const nowType = typeNameOf(now);
    const oldField = fieldOfRecord(old);
    const relation = oldField ? typeRelation(oldField, now) : old.type === nowType ? "same" : "incompatible";
    const nullable = old.nullable === false && !now.nullable ? { nullable: false as const } : {};
    if (relation === "same") {
      target.push({ name: old.name, type: old.type, ...nullable });
    } else if (input.fromDestination && relation !== "widened") {
      // The database's own type name is not the source's: record the source's type, which the
      // next run compares with (the store's exact checks guard the values).
      target.push({ name: old.name, type: nowType, ...nullable });
    } else if (relation === "widened") {
      change.widened.push({ name: old.name, from: old.type, to: nowType });
      target.push({ name: old.name, type: nowType, ...nullable });
    } else {
      refused.push({ column: old.name, from: old.type, to: nowType, why: relation });
    }
  }
  const write: string[] = [];
  for (const column of incoming) {
    if (seen.has(column.name)) {
      write.push(column.name);
      continue;
    }
    if (policy === "ignore") change.ignored.push(column);
    else {
      change.added.push(column);
      target.push({ name: column.name, type: column.type }); // older rows hold nulls
      write.push(column.name);
    }
  }
  if (policy === "fail") {
    for (const c of change.added) refused.push({ column: c.name, to: c.type, why: "added" });
    for (const c of change.kept) refused.push({ column: c.name, from: c.type, why: "dropped" });
    for (const w of change.widened) refused.push({ column: w.name, from: w.from, to: w.to, why: "widened" });
  }
  if (policy === "ignore") {
    // A type cannot be ignored exactly: values of the wider type may not fit the destination.
    for (const w of change.widened) refused.push({ column: w.name, from: w.from, to: w.to, why: "widened" });
  }
  const evolution: SchemaEvolution = { policy, published: [...input.published], target, change };
  return {
    evolution,
    target,
    ...(change.ignored.length > 0 ? { write } : {}),
    ...(refused.length > 0 ? { refused } : {}),
  };
}

/** "column "price" was decimal(18, 4) and is now decimal(10, 2) (narrower)", one per refusal. */
export function describeRefusal(r: SchemaRefusal): string {
  switch (r.why) {
    case "narrowed":
      return `column "${r.column}" was ${r.from} and is now ${r.to}, which cannot hold every value already published (narrower)`;
    case "incompatible":
      return `column "${r.column}" was ${r.from} and is now ${r.to} (incompatible types)`;
    case "added":
      return `column "${r.column}" (${r.to}) is new`;
    case "dropped":
      return `column "${r.column}" (${r.from}) is gone from the source`;
    case "widened":
      return `column "${r.column}" was ${r.from} and is now ${r.to} (wider)`;
    case "key dropped":
      return `primary key column "${r.column}" (${r.from}) is gone from the source`;
  }
}

/** "2 added (a, b), 1 widened (c int32 → int64), 1 dropped (d)": for summaries and logs. */
export function describeChange(change: SchemaChange): string {
  const parts: string[] = [];
  const names = (cols: { name: string }[]) => cols.map((c) => c.name).join(", ");
  const typed = (cols: RecordedColumn[]) => cols.map((c) => `${c.name} (${c.type})`).join(", ");
  if (change.added.length) parts.push(`added ${typed(change.added)}`);
  if (change.widened.length)
    parts.push(`widened ${change.widened.map((w) => `${w.name} ${w.from} → ${w.to}`).join(", ")}`);
  if (change.dropped.length) parts.push(`dropped ${names(change.dropped)}`);
  if (change.kept.length) parts.push(`no longer in the source (kept, nulls) ${names(change.kept)}`);
  if (change.ignored.length) parts.push(`ignored ${names(change.ignored)}`);
  return parts.join("; ");
}

/** The error of a refused change: every refused column, and the ways out. Nothing was written. */
export function schemaRefusedError(refused: readonly SchemaRefusal[], policy: OnSchemaChange): HyggeError {
  const typeChange = refused.some((r) => r.why === "narrowed" || r.why === "incompatible");
  const key = refused.some((r) => r.why === "key dropped");
  const ways: string[] = [];
  if (typeChange)
    ways.push(
      "cast the column back to its published type in the home's query (e.g. CAST(col AS <published type>)), or declare its type with `columns:` (CSV and NDJSON homes)",
    );
  if (key) ways.push("keep the primary key columns in the source, or change primary_key");
  if (policy === "fail" || policy === "ignore")
    ways.push(
      "set on_schema_change: append_new_columns (adds new columns and widens types, keeps dropped ones) or sync_all_columns (also removes dropped ones)",
    );
  ways.push("or rebuild the destination with the new columns once: hygge go --full-drop (a full reload)");
  // A narrower or incompatible type, or a lost key, is refused by every policy; the rest by this one.
  const anyPolicy = refused.every(
    (r) => r.why === "narrowed" || r.why === "incompatible" || r.why === "key dropped",
  );
  return new HyggeError(
    "SCHEMA_CHANGE_REFUSED",
    `the source's columns changed in a way ${anyPolicy ? "no on_schema_change policy accepts" : `on_schema_change: ${policy} refuses`}: ${refused
      .map(describeRefusal)
      .join("; ")}. Nothing was written; the destination is as it was.`,
    { hint: `Ways out: ${ways.join("; ")}.` },
  );
}
