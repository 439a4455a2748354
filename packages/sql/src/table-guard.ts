import { HyggeError } from "@hygge/core";
import type { Schema } from "apache-arrow";
import type { DeclaredColumn, SqlGenerator, Statement } from "./dialect.js";
import { displayTable, type TableRef } from "./table-ref.js";

export type Run = (statement: Statement) => Promise<Record<string, unknown>[]>;

interface Column extends DeclaredColumn {
  hasDefault: boolean;
}

export async function describeColumns(run: Run, sql: SqlGenerator, ref: TableRef): Promise<Column[]> {
  return (await run(sql.describeTable(ref))).map((r) => ({
    name: String(r.name),
    type: String(r.type),
    nullable: Boolean(r.nullable),
    hasDefault: Boolean(r.has_default),
    collation: r.collation === null || r.collation === undefined ? null : String(r.collation),
  }));
}

const MAX_LISTED = 20;
function columnList(columns: readonly Column[]): string {
  const shown = columns.slice(0, MAX_LISTED).map((c) => `${c.name} ${c.type}`);
  if (columns.length > MAX_LISTED) shown.push(`… and ${columns.length - MAX_LISTED} more`);
  return shown.join(", ");
}

function bytesText(bytes: number): string {
  const units = ["bytes", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * full_drop replaces the target. A table that exists but that hygge never published (no state
 * row names it) is somebody else's: refused before anything changes, unless the store says
 * `replace_existing: true`. The message says what would be lost: rows, size and columns.
 */
export async function refuseForeignTable(
  run: Run,
  sql: SqlGenerator,
  target: TableRef,
  state: { ref: TableRef; exists: boolean; flow: string; entity: string | undefined; table: string },
): Promise<void> {
  if (state.exists && (await run(sql.ownsTarget(state.ref, target, state.flow, state.entity))).length > 0) {
    return;
  }
  const where = displayTable(target);
  const columns = await describeColumns(run, sql, target);
  const [size] = await run(sql.tableSize(target));
  const exact = size?.exact;
  const rows =
    exact !== null && exact !== undefined
      ? `${exact} row${String(exact) === "1" ? "" : "s"}`
      : `about ${size?.estimate ?? "an unknown number of"} rows`;
  const bytes = size?.bytes !== undefined && size.bytes !== null ? ` (${bytesText(Number(size.bytes))})` : "";
  throw new HyggeError(
    "STORE_WRITE_FAILED",
    `table ${where} exists but was not created by hygge (no row for it in ${state.table}): it holds ${rows}${bytes} in ${columns.length} column${columns.length === 1 ? "" : "s"} (${columnList(columns)}). full_drop would replace it: drop it and publish the loaded rows in its place. Nothing was changed.`,
    {
      subject: where,
      hint: `If ${where} may be replaced, set replace_existing: true on this store (needed once: after that run the table is hygge's). Otherwise point table: at another name, or use run_type incremental or merge to add rows to it.`,
    },
  );
}

/**
 * Appending or merging into a table that already exists (hygge's or not) writes only columns it
 * has: checked before the first row is sent, so the error names every difference at once.
 */
export async function checkColumnsFit(
  run: Run,
  sql: SqlGenerator,
  target: TableRef,
  schema: Schema,
  options: { caseInsensitive: boolean; primaryKey?: readonly string[] },
): Promise<void> {
  const norm = (name: string) => (options.caseInsensitive ? name.toLowerCase() : name);
  const columns = await describeColumns(run, sql, target);
  const have = new Set(columns.map((c) => norm(c.name)));
  const sent = new Set(schema.fields.map((f) => norm(f.name)));
  const missing = schema.fields.map((f) => f.name).filter((n) => !have.has(norm(n)));
  const required = columns.filter((c) => !c.nullable && !c.hasDefault && !sent.has(norm(c.name)));
  const key = (options.primaryKey ?? []).filter((k) => !have.has(norm(k)));
  const problems: string[] = [];
  if (missing.length) problems.push(`the table has no column ${missing.map((n) => `"${n}"`).join(", ")}`);
  if (required.length) {
    problems.push(
      `NOT NULL column${required.length > 1 ? "s" : ""} ${required.map((c) => `"${c.name}"`).join(", ")} without a default would get no value`,
    );
  }
  if (key.length)
    problems.push(`primary_key column ${key.map((n) => `"${n}"`).join(", ")} is not in the table`);
  if (problems.length === 0) return;
  const where = displayTable(target);
  throw new HyggeError(
    "SCHEMA_MISMATCH",
    `the rows do not fit the existing table ${where}: ${problems.join("; ")}. Its columns: ${columnList(columns)}. Nothing was written.`,
    {
      subject: where,
      hint: "Add the columns to the table (or give them defaults), choose the columns the home reads with columns:, or load into a new table.",
    },
  );
}
