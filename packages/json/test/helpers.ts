import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import {
  fileSource as coreFileSource,
  type FileSource,
  type FormatContext,
  type Logger,
  localStorage,
  toRows,
} from "@hygge/core";
import { afterAll } from "@jest/globals";
import type { RecordBatch, Schema } from "apache-arrow";
import { ndjsonFormat } from "../src/index.js";

const dirs: string[] = [];

export async function tempDir(label = "json"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `hygge-${label}-`));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  connection?.closeSync();
  connection = undefined;
});

/** A local file as the file engine hands it to a format (storage key = path without its '/'). */
export async function fileSource(path: string): Promise<FileSource> {
  const object = await localStorage.stat(path.replace(/^\//, ""));
  if (!object) throw new Error(`${path} does not exist`);
  return coreFileSource(localStorage, object);
}

export const infoLines: string[] = [];
const logger: Logger = { debug() {}, info: (m) => infoLines.push(m), warn() {} };
export const ctx: FormatContext = { signal: new AbortController().signal, flow: "test", logger };

/** Reads a file as the file home does: its schema, then its batches. */
export async function readFile(path: string, options: Record<string, unknown> = {}) {
  const opts = ndjsonFormat.readOptions.parse(options);
  const source = await fileSource(path);
  const schema = await ndjsonFormat.schema(source, opts, ctx);
  const batches: RecordBatch[] = [];
  for await (const b of ndjsonFormat.read(source, schema, opts, ctx)) batches.push(b);
  return {
    schema,
    batches,
    get rows() {
      return toRows(batches);
    },
  };
}

export async function writeFile(
  path: string,
  schema: Schema,
  batches: RecordBatch[],
  options: Record<string, unknown> = {},
) {
  const writer = await ndjsonFormat.createWriter(path, schema, ndjsonFormat.writeOptions.parse(options), ctx);
  for (const b of batches) await writer.write(b);
  return writer.finish();
}

let connection: DuckDBConnection | undefined;

export async function sql(text: string): Promise<Record<string, unknown>[]> {
  if (!connection) {
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
  }
  return (await connection.runAndReadAll(text)).getRowObjectsJson() as Record<string, unknown>[];
}

export const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
