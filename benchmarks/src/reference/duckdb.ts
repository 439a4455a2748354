import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** A SQL string literal. */
export const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** An in-memory DuckDB on one thread: the references compare with hygge's one JavaScript thread. */
export async function duckdb(): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run("SET threads=1");
  return c;
}

/**
 * A named pipe in `dir`: DuckDB reads or writes it as a file while Node streams the other end to
 * or from PostgreSQL, so neither side ever holds the whole data set (nor a temporary file).
 */
export function fifo(dir: string, name: string): string {
  const path = join(dir, name);
  rmSync(path, { force: true });
  execFileSync("mkfifo", [path]);
  return path;
}

/** The row count of a Parquet file, read back by DuckDB (the reference checks what it wrote). */
export async function parquetRows(c: DuckDBConnection, file: string): Promise<number> {
  const r = await c.runAndReadAll(`SELECT count(*)::BIGINT FROM read_parquet(${lit(file)})`);
  const [[count]] = r.getRows() as [[bigint]];
  return Number(count);
}
