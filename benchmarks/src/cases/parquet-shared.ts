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

/**
 * hygge: parquet home → parquet store with the plugin's defaults plus snappy and 128k-row groups;
 * with `threads`, on `engine: duckdb` with that many threads.
 */
export async function hyggeCopy(dir: string, threads?: number): Promise<SideResult> {
  const name = threads ? "out-engine" : "out-hygge";
  const out = join(dir, name);
  rmSync(out, { recursive: true, force: true });
  rmSync(join(dir, ".hygge"), { recursive: true, force: true });
  const { rows } = await runFileFlow({
    projectDir: dir,
    plugins: threads ? [parquet, (await import("@hygge/duckdb")).default] : [parquet],
    home: { type: "parquet", options: { path: "in" } },
    store: { type: "parquet", options: { path: name, compression: "snappy", row_group_size: 131072 } },
    ...(threads ? { engine: { type: "duckdb", options: { threads } } } : {}),
  });
  if (readdirSync(out).length === 0) throw new Error("hygge wrote nothing");
  return { rows, bytes: inputBytes(dir) };
}

/**
 * DuckDB, one thread (or `threads`): COPY (SELECT * FROM read_parquet(...)) TO ... (FORMAT
 * parquet); every file of `in/`, by column name (`union_by_name`), when there are several. The
 * rows are COPY's own count (reading the file back would be work hygge's side does not do).
 */
export async function duckdbCopy(dir: string, threads = 1): Promise<SideResult> {
  const out = join(dir, `out-duckdb-${threads}.parquet`);
  rmSync(out, { force: true });
  const db = await duckdb();
  const c = await db.connect();
  await c.run(`SET threads=${threads}`);
  const several = readdirSync(join(dir, "in")).length > 1;
  const copied = await c.run(
    `COPY (SELECT * FROM read_parquet(${q(join(dir, "in", "*.parquet"))}${several ? ", union_by_name = true" : ""})) TO ${q(out)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 131072)`,
  );
  return { rows: copied.rowsChanged, bytes: inputBytes(dir) };
}

/** DuckDB loaded only by the sides that use it: its native library is not hygge's memory. */
async function duckdb() {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  return DuckDBInstance.create(":memory:");
}
