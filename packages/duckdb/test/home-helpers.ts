import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  type CreateContext,
  type Home,
  type ReadContext,
  Registry,
  RunResources,
  runFlow,
  silentLogger,
} from "@hygge/core";
import { memoryHome } from "@hygge/core/testing";
import parquetPlugin from "@hygge/parquet";
import { afterAll } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import { duckdbHome } from "../src/home/definition.js";
import type { DuckDBHome } from "../src/home/home.js";

const dirs: string[] = [];
const scopes: RunResources[] = [];

afterAll(async () => {
  await Promise.all(scopes.map((s) => s.closeAll()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh project folder, removed when the test file ends. */
export async function projectDir(label = "home"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `hygge-duckdb-${label}-`));
  dirs.push(dir);
  return dir;
}

export function createContext(dir: string, entity?: string, flow = "test"): CreateContext {
  const resources = new RunResources();
  scopes.push(resources);
  return { flow, entity, projectDir: dir, connections: {}, resources, logger: silentLogger };
}

/** A `type: duckdb` home as a flow would make it (options parsed by its schema). */
export function makeHome(dir: string, options: Record<string, unknown>, entity?: string): DuckDBHome {
  return duckdbHome.create(duckdbHome.options.parse(options), createContext(dir, entity)) as DuckDBHome;
}

export function readContext(entity?: string, extra: Partial<ReadContext> = {}): ReadContext {
  return { signal: new AbortController().signal, flow: "test", entity, runType: "full_drop", ...extra };
}

export async function readAll(home: Home, ctx: ReadContext = readContext()): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  try {
    for await (const batch of home.read(ctx)) out.push(batch);
  } finally {
    await home.close?.();
  }
  return out;
}

/** Runs SQL on a scratch in-memory DuckDB (to write CSV/Parquet/.duckdb fixtures), cwd-independent. */
export async function duckExec(dir: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`SET file_search_path = '${dir.replaceAll("'", "''")}'`);
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const parquet = new Registry([parquetPlugin]);

/** Writes `batches` as Parquet files under `<dir>/<folder>/<entity>/` with hygge's Parquet store. */
export async function seedParquet(dir: string, folder: string, entity: string, batches: RecordBatch[]) {
  const { definition } = parquet.store("parquet");
  await runFlow({
    flow: "seed",
    entity,
    home: memoryHome(batches),
    store: () => definition.create(definition.options.parse({ path: folder }), createContext(dir, entity)),
  });
}
