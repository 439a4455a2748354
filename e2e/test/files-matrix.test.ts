import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import azure from "@hygge/azure";
import { startAzureEmulator } from "@hygge/azure/testing";
import {
  createContext,
  type Home,
  Registry,
  type ResolvedConnection,
  RunResources,
  resolveStorage,
  runFlow,
  type Store,
  typeNameOf,
} from "@hygge/core";
import { memoryHome, testHome, testStore } from "@hygge/core/testing";
import csv from "@hygge/csv";
import json from "@hygge/json";
import parquet from "@hygge/parquet";
import s3 from "@hygge/s3";
import { startS3Emulator } from "@hygge/s3/testing";
import { afterAll } from "@jest/globals";
import type { RecordBatch, Schema } from "apache-arrow";

// Issue 10: the home and store conformance suites for every format × storage pair, through core's
// file engine and the registry, as a project would use them. Each format's exactness against
// DuckDB's own readers and writers is tested in its package; here the pairs are.
const registry = new Registry([parquet, csv, json, s3, azure]);
const resources = new RunResources();
const projectDir = await mkdtemp(path.join(os.tmpdir(), "hygge-files-matrix-"));
const [s3emu, azemu] = await Promise.all([startS3Emulator(), startAzureEmulator()]);
afterAll(async () => {
  await resources.closeAll();
  await Promise.all([s3emu.stop(), azemu.stop()]);
});

const STORAGES: Record<string, { connection?: ResolvedConnection; base: string }> = {
  local: { base: path.join(projectDir, "local") },
  s3: { connection: { name: "s3lake", type: "s3", options: s3emu.options }, base: "matrix" },
  azure: { connection: { name: "azlake", type: "azure", options: azemu.options }, base: "matrix" },
};

/**
 * What each format cannot hold of core's type matrix (documented in its README): CSV has no nested
 * values; NDJSON has no binary type of its own (base64 text) and reads timestamps by declared unit.
 */
const FORMATS: Record<string, { exclude: string[]; write?: Record<string, unknown> }> = {
  parquet: { exclude: [], write: { row_group_size: 1000 } },
  csv: { exclude: ["list_int32", "struct"] },
  ndjson: { exclude: ["struct"] },
};

/** The schema each entity was written with: CSV and NDJSON homes read it back declared, not inferred. */
const written = new Map<string, Schema>();
const columnsOf = (format: string, schema: Schema | undefined) =>
  format === "parquet" || !schema
    ? {}
    : { columns: Object.fromEntries(schema.fields.map((f) => [f.name, typeNameOf(f)])) };

for (const [storageName, storage] of Object.entries(STORAGES)) {
  for (const [format, spec] of Object.entries(FORMATS)) {
    const name = `${format} on ${storageName}`;
    const base = `${storage.base}/${format}-${process.pid}`;
    const connections: Record<string, ResolvedConnection> = storage.connection
      ? { [storage.connection.name]: storage.connection }
      : {};
    const connection = storage.connection ? { connection: storage.connection.name } : {};
    const ctx = (entity: string) =>
      createContext({ flow: "matrix", entity }, { projectDir, connections, resources });
    const makeStore = async (entity: string, folder: string): Promise<Store> => {
      const def = registry.store(format).definition;
      const options = def.options.parse({ path: `${base}/${folder}`, ...connection, ...spec.write });
      const store = await def.create(options, ctx(entity));
      const write = store.write.bind(store);
      store.write = (batch: RecordBatch) => {
        written.set(`${name}/${entity}`, batch.schema);
        return write(batch);
      };
      return store;
    };
    const makeHome = async (
      entity: string,
      folder: string,
      extra: Record<string, unknown> = {},
    ): Promise<Home> => {
      const def = registry.home(format).definition;
      const options = def.options.parse({
        path: `${base}/${folder}`,
        ...connection,
        ...columnsOf(format, written.get(`${name}/${entity}`)),
        ...extra,
      });
      return def.create(options, ctx(entity));
    };
    const readAll = async (home: Home, entity: string) => {
      const out: RecordBatch[] = [];
      const signal = new AbortController().signal;
      try {
        for await (const b of home.read({ signal, flow: "matrix", entity, runType: "full_drop" }))
          out.push(b);
      } finally {
        await home.close?.();
      }
      return out;
    };
    /** Every object under the entity's folder, with its size: what a reader of the destination sees. */
    const listing = async (entity: string, folder: string) => {
      const { storage: s, path: key } = await resolveStorage(
        registry,
        { ...ctx(entity), connections },
        {
          ...connection,
          path: `${base}/${folder}/${entity}/`,
        },
      );
      const out: string[] = [];
      for await (const o of s.list(`${key}/`)) out.push(`${o.path.slice(key.length)}:${o.size}`);
      return out.sort();
    };

    testStore({
      name,
      excludeTypes: spec.exclude,
      create: (entity) => makeStore(entity, "store"),
      read: async (entity) => {
        if ((await listing(entity, "store")).length === 0) return undefined;
        return readAll(await makeHome(entity, "store"), entity);
      },
      snapshot: (entity) => listing(entity, "store").then((l) => l.join("\n")),
    });

    testHome({
      name,
      excludeTypes: spec.exclude,
      seed: async (entity, batches) => {
        await runFlow({
          flow: "seed",
          entity,
          home: memoryHome(batches),
          store: await makeStore(entity, "home"),
        });
      },
      create: (entity, { batchSize }) => makeHome(entity, "home", batchSize ? { batch_size: batchSize } : {}),
    });
  }
}
