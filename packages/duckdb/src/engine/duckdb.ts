import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { EngineOptions } from "./options.js";

/** Spill folders are `<tmp>/hygge-duckdb-<pid>-<random>`: a killed process's are found by its pid. */
const SPILL_PREFIX = "hygge-duckdb-";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the spill folders of engine copies whose process died (SIGKILL) before removing them. */
async function removeStaleSpills(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of entries) {
    const pid = Number(/^hygge-duckdb-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * A DuckDB instance for one copy, bounded by the engine's options; its spill folder is a
 * temporary folder of its own (never the store's staging, which is published as it is), removed
 * afterwards (or by a later copy, when this process was killed). `signal` interrupts the query.
 */
export async function withDuckDB<T>(
  options: EngineOptions,
  work: (connection: DuckDBConnection) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  await removeStaleSpills();
  const spill = await mkdtemp(join(tmpdir(), `${SPILL_PREFIX}${process.pid}-`));
  let db: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  const interrupt = () => connection?.interrupt();
  try {
    db = await DuckDBInstance.create(":memory:", {
      threads: String(options.threads),
      memory_limit: options.memory_limit,
      temp_directory: spill,
      preserve_insertion_order: "true",
    });
    connection = await db.connect();
    // Query progress for `progress` (DuckDB prints nothing: the bar itself is hygge's).
    await connection.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false");
    signal?.addEventListener("abort", interrupt, { once: true });
    if (signal?.aborted) throw signal.reason;
    return await work(connection);
  } finally {
    signal?.removeEventListener("abort", interrupt);
    connection?.closeSync();
    db?.closeSync();
    await rm(spill, { recursive: true, force: true });
  }
}
