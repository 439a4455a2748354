import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import parquet from "@hygge/parquet";
import type { SideResult } from "../case.js";
import { runFileFlow } from "./file-flow.js";

const q = (p: string) => `'${p.replace(/'/g, "''")}'`;

/** Runs `select` in DuckDB into `<dir>/in/data.parquet` once (snappy, 128k-row groups). */
export async function generate(dir: string, select: string): Promise<void> {
  await generateParts(dir, [select]);
}

/**
 * Runs each select into `<dir>/in/part-<n>.parquet` (`data.parquet` for a single one), once; the
 * folder appears complete (written aside, then renamed).
 */
export async function generateParts(dir: string, selects: string[]): Promise<void> {
  const input = join(dir, "in");
  if (existsSync(input)) return;
  const aside = `${input}.tmp`;
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(aside, { recursive: true });
  const db = await duckdb();
  const c = await db.connect();
  for (const [i, select] of selects.entries()) {
    const name = selects.length === 1 ? "data.parquet" : `part-${i + 1}.parquet`;
    await c.run(
      `COPY (${select}) TO ${q(join(aside, name))} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 131072)`,
    );
  }
  const { renameSync } = await import("node:fs");
  renameSync(aside, input);
}

const inputBytes = (dir: string) =>
  readdirSync(join(dir, "in")).reduce((sum, f) => sum + statSync(join(dir, "in", f)).size, 0);

/** hygge: parquet home → parquet store with the plugin's defaults plus snappy and 128k-row groups. */
export async function hyggeCopy(dir: string): Promise<SideResult> {
  const out = join(dir, "out-hygge");
  rmSync(out, { recursive: true, force: true });
  rmSync(join(dir, ".hygge"), { recursive: true, force: true });
  const { rows } = await runFileFlow({
    projectDir: dir,
    plugins: [parquet],
    home: { type: "parquet", options: { path: "in" } },
    store: { type: "parquet", options: { path: "out-hygge", compression: "snappy", row_group_size: 131072 } },
  });
  if (readdirSync(out).length === 0) throw new Error("hygge wrote nothing");
  return { rows, bytes: inputBytes(dir) };
}

/**
 * DuckDB, one thread: COPY (SELECT * FROM read_parquet(...)) TO ... (FORMAT parquet); every file
 * of `in/`, by column name (`union_by_name`), when there are several.
 */
export async function duckdbCopy(dir: string): Promise<SideResult> {
  const out = join(dir, "out-duckdb.parquet");
  rmSync(out, { force: true });
  const db = await duckdb();
  const c = await db.connect();
  await c.run("SET threads=1");
  await c.run(
    `COPY (SELECT * FROM read_parquet(${q(join(dir, "in", "*.parquet"))}, union_by_name = true)) TO ${q(out)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 131072)`,
  );
  const r = await c.runAndReadAll(`SELECT count(*)::BIGINT FROM read_parquet(${q(out)})`);
  const [[count]] = r.getRows() as [[bigint]];
  return { rows: Number(count), bytes: inputBytes(dir) };
}

/** DuckDB loaded only by the sides that use it: its native library is not hygge's memory. */
async function duckdb() {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  return DuckDBInstance.create(":memory:");
}
