import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { CommitState, CreateContext, Home, Store } from "@hygge/core";
import { Registry, silentLogger } from "@hygge/core";
import { afterAll } from "@jest/globals";
import type { RecordBatch } from "apache-arrow";
import plugin from "../src/index.js";

const dirs: string[] = [];

/** A fresh temp folder, removed when the test file ends. */
export async function tempDir(label = "pq"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `hygge-${label}-`));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  await closeDuck();
});

export function createContext(projectDir: string, entity?: string): CreateContext {
  return {
    flow: "test",
    entity,
    projectDir,
    connections: {},
    resources: { get: async (_k, create) => create() },
    logger: silentLogger,
  };
}

const registry = new Registry([plugin]);

/** A `type: parquet` store (core's file store over the Parquet format), as a flow would make it. */
export type TestStore = Omit<Store, "abort"> & {
  abort(error?: unknown): Promise<void>;
  committedState(): Promise<CommitState | undefined>;
  /** Everything up to the commit point, then nothing: a crash right after it. */
  _prepareCommit(state: CommitState): Promise<{ files: string[] }>;
};

export function makeStore(projectDir: string, entity: string | undefined, options: Record<string, unknown>) {
  const { definition } = registry.store("parquet");
  return definition.create(
    definition.options.parse(options),
    createContext(projectDir, entity),
  ) as unknown as TestStore;
}

export function makeHome(projectDir: string, entity: string | undefined, options: Record<string, unknown>) {
  const { definition } = registry.home("parquet");
  return definition.create(definition.options.parse(options), createContext(projectDir, entity)) as Home & {
    close(): Promise<void>;
  };
}

export async function readAll(home: Home, entity?: string): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  const ctx = { signal: new AbortController().signal, flow: "test", entity, runType: "full_drop" as const };
  for await (const b of home.read(ctx)) out.push(b);
  return out;
}

let instance: DuckDBInstance | undefined;
let connection: DuckDBConnection | undefined;

export async function duck(): Promise<DuckDBConnection> {
  if (!connection) {
    instance = await DuckDBInstance.create(":memory:");
    connection = await instance.connect();
  }
  return connection;
}

async function closeDuck() {
  connection?.closeSync();
  connection = undefined;
  instance = undefined;
}

export async function sql(text: string): Promise<Record<string, unknown>[]> {
  const reader = await (await duck()).runAndReadAll(text);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

export async function columnTypes(text: string): Promise<string[]> {
  const reader = await (await duck()).runAndReadAll(text);
  const names = reader.columnNames();
  return reader.columnTypes().map((t, i) => `${names[i]}:${t.toString()}`);
}

/** `name:TYPE` of every column of a query, as DuckDB's DESCRIBE spells them (JSON, UUID, nested types). */
export async function describeTypes(query: string): Promise<string[]> {
  const rows = await sql(`DESCRIBE ${query}`);
  return rows.map((r) => `${String(r.column_name)}:${String(r.column_type)}`);
}

export const q = (path: string) => `'${path.replace(/'/g, "''")}'`;

/** Names, sizes and content hashes of every file below `dir` (recursively), or "absent". */
export async function fingerprint(dir: string): Promise<string> {
  const out: string[] = [];
  const walk = async (d: string, prefix: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full, `${prefix}${e.name}/`);
      else
        out.push(
          `${prefix}${e.name}:${createHash("sha256")
            .update(await readFile(full))
            .digest("hex")}`,
        );
    }
  };
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  if (!exists) return "absent";
  await walk(dir, "");
  return out.join("\n");
}
