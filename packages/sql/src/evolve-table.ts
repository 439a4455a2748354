import { fieldOfRecord, HyggeError, holds, type RecordedColumn, type SchemaEvolution } from "@hygge/core";
import type { Field, Schema } from "apache-arrow";
import type { DeclaredColumn, SqlGenerator } from "./dialect.js";
import { displayTable, type TableRef } from "./table-ref.js";

/** One DDL statement of a schema change, and what it does to which column (for errors). */
export interface EvolveStep {
  column: string;
  /** `adding column "x" (bigint) to`: how an error names the step (the table follows). */
  action: string;
  statement: string;
}

function fieldOf(column: RecordedColumn, target: TableRef): Field {
  const field = fieldOfRecord({ name: column.name, type: column.type });
  if (field) return field;
  throw new HyggeError(
    "SCHEMA_MISMATCH",
    `column "${column.name}" of ${displayTable(target)} has type ${column.type}, which hygge cannot turn into a column type`,
    {
      subject: column.name,
      hint: "Cast the column to a type hygge knows in the home's query, or run once with --full-drop.",
    },
  );
}

/**
 * The DDL of an accepted schema change against the table's current columns (pure): new columns
 * are added nullable (older rows hold NULL), widened ones altered when their SQL type changes,
 * dropped ones removed, and columns the source no longer sends made to accept NULL. Columns
 * already as wanted (added by hand, dropped by hand, already nullable, already wide enough) need
 * no statement. A widening is decided against the column's real type (`read`: the table's columns
 * as the home reads them), not the recorded one: a column declared wider (by hand, or before
 * hygge recorded it) is never narrowed, and one whose type cannot hold its current values in the
 * new type is refused.
 */
export function evolutionSteps(
  sql: SqlGenerator,
  target: TableRef,
  evolution: SchemaEvolution,
  columns: readonly DeclaredColumn[],
  caseInsensitive: boolean,
  read: Schema,
): EvolveStep[] {
  const norm = (name: string) => (caseInsensitive ? name.toLowerCase() : name);
  const existing = new Map(columns.map((c) => [norm(c.name), c]));
  const readAs = new Map(read.fields.map((f) => [norm(f.name), f]));
  const keeps = new Set(evolution.target.map((c) => norm(c.name)));
  const steps: EvolveStep[] = [];
  const { change } = evolution;
  for (const column of change.added) {
    if (existing.has(norm(column.name))) continue;
    const type = sql.columnType(fieldOf(column, target));
    steps.push({
      column: column.name,
      action: `adding column "${column.name}" (${type}) to`,
      statement: sql.addColumn(target, column.name, type),
    });
  }
  for (const widened of change.widened) {
    const current = existing.get(norm(widened.name));
    if (!current) continue; // the fit check names a column that is gone
    const wanted = fieldOf({ name: widened.name, type: widened.to }, target);
    const to = sql.columnType(wanted);
    const now = readAs.get(norm(widened.name));
    // Already what is wanted (timestamp[us] → timestamp[ns] is one PostgreSQL type), or wider.
    if (current.type === to || (now && holds(now.type, wanted.type))) continue;
    if (!now || !holds(wanted.type, now.type)) {
      throw new HyggeError(
        "SCHEMA_MISMATCH",
        `column "${widened.name}" of ${displayTable(target)} is ${current.type}; the source's ${widened.to} needs it widened to ${to}, which would not keep every value the column holds now. Nothing was written.`,
        {
          subject: widened.name,
          hint: `Change the column to a type that holds both (${current.type} and ${widened.to}) yourself and run again, cast the column in the home's query, or run once with --full-drop.`,
        },
      );
    }
    steps.push({
      column: widened.name,
      action: `changing column "${widened.name}" from ${current.type} to ${to} in`,
      statement: sql.alterColumnType(target, current, to),
    });
  }
  for (const column of change.dropped) {
    const current = existing.get(norm(column.name));
    // Gone, or the name of a column the run keeps (a case-only rename on a case-insensitive server).
    if (!current || keeps.has(norm(column.name))) continue;
    steps.push({
      column: column.name,
      action: `dropping column "${column.name}" from`,
      statement: sql.dropColumn(target, current.name),
    });
  }
  for (const column of change.kept) {
    const current = existing.get(norm(column.name));
    if (!current || current.nullable) continue;
    steps.push({
      column: column.name,
      action: `letting NOT NULL column "${column.name}" (${current.type}) hold NULL (the source no longer sends it) in`,
      statement: sql.allowNulls(target, current),
    });
  }
  return steps;
}
