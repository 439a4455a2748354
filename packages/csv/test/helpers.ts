import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import {
  fileSource as coreFileSource,
  type FileSource,
  type FormatContext,
  type Json,
  type Logger,
  localStorage,
  toRows,
} from "@hygge/core";
import { afterAll } from "@jest/globals";
import type { RecordBatch, Schema } from "apache-arrow";
import { csvFormat } from "../src/index.js";

const dirs: string[] = [];

export async function tempDir(label = "csv"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `hygge-${label}-`));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  connection?.closeSync();
  connection = undefined;
});

/** A FileSource over a local file, through core's local storage (keys: absolute path without '/'). */
export async function fileSource(path: string): Promise<FileSource> {
  const object = await localStorage.stat(path.replace(/^\//, ""));
  if (!object) throw new Error(`${path} does not exist`);
  return coreFileSource(localStorage, object);
}

export interface Logged extends Logger {
  lines: string[];
}

export function context(): FormatContext & { logger: Logged } {
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  return {
    signal: new AbortController().signal,
    flow: "test",
    logger: { lines, debug: log, info: log, warn: log },
  };
}

export const readOpts = (o: Record<string, unknown> = {}) => csvFormat.readOptions.parse(o);
export const writeOpts = (o: Record<string, unknown> = {}) => csvFormat.writeOptions.parse(o);

/** schema() then read() of one file, as the file home does. */
export async function readFile(
  path: string,
  options: Record<string, unknown> = {},
): Promise<{ schema: Schema; batches: RecordBatch[]; rows: Record<string, Json>[]; logged: string[] }> {
  const source = await fileSource(path);
  const opts = readOpts(options);
  const ctx = context();
  const schema = await csvFormat.schema(source, opts, ctx);
  const batches: RecordBatch[] = [];
  for await (const b of csvFormat.read(source, schema, opts, ctx)) batches.push(b);
  return { schema, batches, rows: toRows(batches), logged: ctx.logger.lines };
}

/** Writes batches to `path` with the csv writer; returns the byte count finish() reported. */
export async function writeFile(
  path: string,
  schema: Schema,
  batches: RecordBatch[],
  options: Record<string, unknown> = {},
) {
  const writer = await csvFormat.createWriter(path, schema, writeOpts(options), context());
  for (const b of batches) await writer.write(b);
  return (await writer.finish()).bytes;
}

let connection: DuckDBConnection | undefined;

export async function sql(text: string): Promise<Record<string, unknown>[]> {
  if (!connection) {
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    connection = await instance.connect();
  }
  const reader = await connection.runAndReadAll(text);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

export const q = (path: string) => `'${path.replace(/'/g, "''")}'`;
