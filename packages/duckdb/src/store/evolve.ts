import { fieldOfRecord, HyggeError, type RecordedColumn, type SchemaEvolution } from "@hygge/core";
import { quoteIdent } from "../database.js";
import { duckdbColumnType } from "../types/to-duckdb.js";
import { canonicalType, columnMap, duckHolds, type TableColumn } from "./fit.js";
import { displayTable, sqlTable, type TableRef } from "./table.js";

/** One DDL statement of a schema change, and how an error names it. */
export interface EvolveStep {
  column: string;
  action: string;
  statement: string;
}

function typeOf(column: RecordedColumn, target: TableRef): string {
  const field = fieldOfRecord({ name: column.name, type: column.type });
  if (!field) {
    throw new HyggeError(
      "SCHEMA_MISMATCH",
      `column "${column.name}" of ${displayTable(target)} has type ${column.type}, which hygge cannot turn into a DuckDB column type`,
      { subject: column.name, hint: "Cast the column in the home, or run once with --full-drop." },
    );
  }
  return duckdbColumnType(field);
}

/**
 * The DDL of an accepted schema change against the table's real columns (pure): new columns are
 * added (nullable, older rows hold NULL), widened ones altered only when their real type does not
 * already keep the new values (a column declared wider is never narrowed), dropped ones removed,
 * and columns the source no longer sends made to accept NULL.
 */
export function evolutionSteps(
  target: TableRef,
  evolution: SchemaEvolution,
  columns: readonly TableColumn[],
): EvolveStep[] {
  const table = sqlTable(target);
  const existing = columnMap(columns);
  const keeps = new Set(evolution.target.map((c) => c.name.toLowerCase()));
  const steps: EvolveStep[] = [];
  const { change } = evolution;
  for (const column of change.added) {
    if (existing.has(column.name.toLowerCase())) continue;
    const type = typeOf(column, target);
    steps.push({
      column: column.name,
      action: `adding column "${column.name}" (${type}) to`,
      statement: `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(column.name)} ${type}`,
    });
  }
  for (const widened of change.widened) {
    const current = existing.get(widened.name.toLowerCase());
    if (!current) continue; // the fit check names a column that is gone
    const to = typeOf({ name: widened.name, type: widened.to }, target);
    if (duckHolds(current.type, to)) continue;
    if (!duckHolds(to, current.type)) {
      throw new HyggeError(
        "SCHEMA_MISMATCH",
        `column "${current.name}" of ${displayTable(target)} is ${current.type}; the source's ${widened.to} needs ${canonicalType(to)}, which would not keep every value the column holds now. Nothing was written.`,
        {
          subject: current.name,
          hint: `Change the column to a type that holds both (${current.type} and ${to}) yourself and run again, cast the column in the home, or run once with --full-drop.`,
        },
      );
    }
    steps.push({
      column: current.name,
      action: `changing column "${current.name}" from ${current.type} to ${to} in`,
      statement: `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(current.name)} SET DATA TYPE ${to}`,
    });
  }
  for (const column of change.dropped) {
    const current = existing.get(column.name.toLowerCase());
    if (!current || keeps.has(column.name.toLowerCase())) continue;
    steps.push({
      column: current.name,
      action: `dropping column "${current.name}" from`,
      statement: `ALTER TABLE ${table} DROP COLUMN ${quoteIdent(current.name)}`,
    });
  }
  for (const column of change.kept) {
    const current = existing.get(column.name.toLowerCase());
    if (!current || current.nullable) continue;
    steps.push({
      column: current.name,
      action: `letting NOT NULL column "${current.name}" hold NULL (the source no longer sends it) in`,
      statement: `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(current.name)} DROP NOT NULL`,
    });
  }
  return steps;
}
