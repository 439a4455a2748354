import type { BenchCase, SideResult } from "../case.js";

/** Threads of the engine runs and of the DuckDB reference they are measured against. */
export const ENGINE_THREADS = 2;

/**
 * An `engine: duckdb` case: hygge on the engine with two threads, against DuckDB's own COPY with
 * the same two threads; DuckDB on one thread and hygge's batch loop shown for context. The Python
 * hygge's figure (measured once, in the issue) is quoted in the description: it cannot run here.
 */
export function engineCase(c: {
  name: string;
  description: string;
  prepare: BenchCase["prepare"];
  engine(dir: string, scale: number, threads: number): Promise<SideResult>;
  batchLoop(dir: string, scale: number): Promise<SideResult>;
  duckdb(dir: string, scale: number, threads: number): Promise<SideResult>;
  check?: BenchCase["check"];
}): BenchCase {
  return {
    name: c.name,
    description: c.description,
    prepare: c.prepare,
    hygge: (dir, scale) => c.engine(dir, scale, ENGINE_THREADS),
    reference: {
      name: `duckdb COPY (threads=${ENGINE_THREADS})`,
      run: (dir, scale) => c.duckdb(dir, scale, ENGINE_THREADS),
    },
    context: [
      { name: "duckdb COPY (threads=1)", run: (dir, scale) => c.duckdb(dir, scale, 1) },
      { name: "hygge batch loop", run: (dir, scale) => c.batchLoop(dir, scale) },
    ],
    ...(c.check ? { check: c.check } : {}),
  };
}
