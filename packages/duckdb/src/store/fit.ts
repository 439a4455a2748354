import { HyggeError } from "@hygge/core";
import { displayTable, type TableRef } from "./table.js";

/** A column of an existing table as `duckdb_columns()` describes it. */
export interface TableColumn {
  name: string;
  type: string;
  nullable: boolean;
}

/** DuckDB's spelling of a type, one way: `TIMESTAMPTZ` and `TIMESTAMP WITH TIME ZONE` are one type. */
export function canonicalType(type: string): string {
  const t = type
    .toUpperCase()
    .replace(/\s+/g, " ")
    .replace(/\s*([(),])\s*/g, "$1")
    .trim();
  const alias: Record<string, string> = {
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    TIMESTAMP_US: "TIMESTAMP",
    DATETIME: "TIMESTAMP",
    INT8: "BIGINT",
    INT4: "INTEGER",
    INT: "INTEGER",
    INT2: "SMALLINT",
    INT1: "TINYINT",
    FLOAT4: "FLOAT",
    REAL: "FLOAT",
    FLOAT8: "DOUBLE",
    BOOL: "BOOLEAN",
    STRING: "VARCHAR",
    TEXT: "VARCHAR",
    BYTEA: "BLOB",
  };
  return alias[t] ?? t;
}

const SIGNED = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"];
const UNSIGNED = ["UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"];
/** Digits an integer type needs in a DECIMAL. */
const DIGITS: Record<string, number> = {
  TINYINT: 3,
  SMALLINT: 5,
  INTEGER: 10,
  BIGINT: 19,
  HUGEINT: 39,
  UTINYINT: 3,
  USMALLINT: 5,
  UINTEGER: 10,
  UBIGINT: 20,
  UHUGEINT: 39,
};
const TIMESTAMPS = ["TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP", "TIMESTAMP_NS"];

function decimal(t: string): [number, number] | undefined {
  const m = /^DECIMAL\((\d+),(\d+)\)$/.exec(t);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * True when a column of DuckDB type `wide` keeps every value of type `narrow` exactly (inserting
 * casts implicitly; a cast DuckDB could round, such as BIGINT into DOUBLE, is not "holds").
 */
export function duckHolds(wide: string, narrow: string): boolean {
  const w = canonicalType(wide);
  const n = canonicalType(narrow);
  if (w === n) return true;
  if (SIGNED.includes(w) && SIGNED.includes(n)) return SIGNED.indexOf(w) > SIGNED.indexOf(n);
  if (UNSIGNED.includes(w) && UNSIGNED.includes(n)) return UNSIGNED.indexOf(w) > UNSIGNED.indexOf(n);
  if (SIGNED.includes(w) && UNSIGNED.includes(n)) return SIGNED.indexOf(w) > UNSIGNED.indexOf(n);
  const wd = decimal(w);
  const nd = decimal(n);
  if (wd && nd) return wd[1] >= nd[1] && wd[0] - wd[1] >= nd[0] - nd[1];
  if (wd && DIGITS[n] !== undefined) return wd[0] - wd[1] >= DIGITS[n]!;
  if (w === "DOUBLE")
    return (
      n === "FLOAT" || ["TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER"].includes(n)
    );
  if (w === "FLOAT") return ["TINYINT", "SMALLINT", "UTINYINT", "USMALLINT"].includes(n);
  // A finer unit holds a coarser one (DuckDB refuses, never wraps, a value outside its range).
  if (TIMESTAMPS.includes(w) && TIMESTAMPS.includes(n)) return TIMESTAMPS.indexOf(w) > TIMESTAMPS.indexOf(n);
  if (w === "TIME_NS") return n === "TIME";
  // JSON is text: a VARCHAR column keeps it as it is.
  if (w === "VARCHAR") return n === "JSON";
  return false;
}

const norm = (name: string) => name.toLowerCase();

/** DuckDB names are case-insensitive: `Id` and `id` are one column. */
export function columnMap(columns: readonly TableColumn[]): Map<string, TableColumn> {
  return new Map(columns.map((c) => [norm(c.name), c]));
}

/**
 * Appending or merging into an existing table writes only columns it has, of types that keep
 * every value: checked before the first row, naming every difference at once.
 */
export function checkColumnsFit(
  target: TableRef,
  columns: readonly TableColumn[],
  sent: readonly { name: string; type: string }[],
  primaryKey: readonly string[] = [],
): void {
  const have = columnMap(columns);
  const names = new Set(sent.map((c) => norm(c.name)));
  const problems: string[] = [];
  const missing = sent.filter((c) => !have.has(norm(c.name))).map((c) => `"${c.name}"`);
  if (missing.length) problems.push(`the table has no column ${missing.join(", ")}`);
  for (const c of sent) {
    const existing = have.get(norm(c.name));
    if (existing && !duckHolds(existing.type, c.type)) {
      problems.push(
        `column "${existing.name}" is ${existing.type}, which does not keep every ${c.type} value`,
      );
    }
  }
  const required = columns.filter((c) => !c.nullable && !names.has(norm(c.name))).map((c) => `"${c.name}"`);
  if (required.length) problems.push(`NOT NULL column ${required.join(", ")} would get no value`);
  const key = primaryKey.filter((k) => !names.has(norm(k)) || !have.has(norm(k)));
  if (key.length)
    problems.push(
      `primary_key column ${key.map((k) => `"${k}"`).join(", ")} is not in the rows and the table`,
    );
  if (problems.length === 0) return;
  const where = displayTable(target);
  throw new HyggeError(
    "SCHEMA_MISMATCH",
    `the rows do not fit the existing table ${where}: ${problems.join("; ")}. Its columns: ${columns
      .map((c) => `${c.name} ${c.type}`)
      .join(", ")}. Nothing was written.`,
    {
      subject: where,
      hint: "Change the table's columns yourself, choose the columns the home reads with columns:, or run once with --full-drop to recreate the table from the source's columns.",
    },
  );
}
