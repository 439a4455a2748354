import { fieldOfRecord, HyggeError, type RecordedColumn, type SchemaEvolution } from "@hygge/core";
import type { Field } from "apache-arrow";
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
 * already as wanted (added by hand, dropped by hand, already nullable) need no statement.
 */
export function evolutionSteps(
  sql: SqlGenerator,
  target: TableRef,
  evolution: SchemaEvolution,
  columns: readonly DeclaredColumn[],
  caseInsensitive: boolean,
): EvolveStep[] {
  const norm = (name: string) => (caseInsensitive ? name.toLowerCase() : name);
  const existing = new Map(columns.map((c) => [norm(c.name), c]));
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
    const to = sql.columnType(fieldOf({ name: widened.name, type: widened.to }, target));
    const from = fieldOfRecord({ name: widened.name, type: widened.from });
    // timestamp[ms] → timestamp[us] is one PostgreSQL type: nothing to alter.
    if (from && sql.columnType(from) === to) continue;
    steps.push({
      column: widened.name,
      action: `changing column "${widened.name}" from ${current.type} to ${to} in`,
      statement: sql.alterColumnType(target, current, to),
    });
  }
  for (const column of change.dropped) {
    const current = existing.get(norm(column.name));
    if (!current) continue;
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
