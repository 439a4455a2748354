import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cellToJson,
  createContext,
  type FlowReport,
  type Home,
  Registry,
  RunResources,
  runProject,
  silentLogger,
} from "@hygge/core";
import csv from "@hygge/csv";
import parquet from "@hygge/parquet";
import { type RecordBatch, Type } from "apache-arrow";
import duckdb from "../src/index.js";

export const PLUGINS = [parquet, csv, duckdb];

export async function tempProject(): Promise<string> {
  return mkdtemp(join(tmpdir(), "hygge-engine-"));
}

/** Writes `batches` as one parquet file through hygge's own parquet writer. */
export async function writeParquet(path: string, batches: RecordBatch[]): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  const { parquetFormat } = await import("@hygge/parquet");
  const ctx = { signal: new AbortController().signal, flow: "setup", logger: silentLogger };
  const writer = await parquetFormat.createWriter(
    path,
    batches[0]!.schema,
    parquetFormat.writeOptions.parse({}),
    ctx,
  );
  for (const b of batches) await writer.write(b);
  await writer.finish();
}

/** One flow `f` of entity `t`: parquet files under `in/t` → parquet files under `out/t`. */
export async function copyFlow(
  projectDir: string,
  extra: Record<string, unknown> = {},
  options: { runType?: "full_drop" | "incremental" } = {},
): Promise<FlowReport> {
  const summary = await runProject({
    projectDir,
    plugins: PLUGINS,
    runType: options.runType,
    project: {
      flows: {
        f: {
          home: { type: "parquet", path: "in/{entity}" },
          store: { type: "parquet", path: "out" },
          engine: "duckdb",
          entities: ["t"],
          ...extra,
        },
      },
    },
  });
  const report = summary.flows[0]!;
  if (report.error) throw report.error;
  return report;
}

/** Reads a parquet file or folder with hygge's own reader (independent of DuckDB). */
export async function readWithHygge(path: string): Promise<RecordBatch[]> {
  const registry = new Registry(PLUGINS);
  const { definition } = registry.home("parquet");
  const ctx = createContext(
    { flow: "check" },
    { projectDir: "/", connections: {}, resources: new RunResources() },
  );
  const home = (await definition.create(definition.options.parse({ path }), ctx)) as Home;
  const out: RecordBatch[] = [];
  for await (const b of home.read({
    signal: new AbortController().signal,
    flow: "check",
    runType: "full_drop",
  }))
    out.push(b);
  await home.close?.();
  return out;
}

function plain(value: unknown): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString("hex")}`;
  if (value === null || value === undefined) return null;
  if (typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function")
    return plain((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return value;
}

const TEMPORAL = new Set([Type.Timestamp, Type.Time, Type.Date, Type.Duration]);

/** Every row as text (bigints, bytes, -0 and NaN kept apart), and the schema, for exact comparison. */
export function tableText(batches: RecordBatch[]): { schema: string; rows: string[] } {
  const schema = batches[0]?.schema;
  const rows: string[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      const row = b.schema.fields.map((_f, c) => {
        const v = b.getChildAt(c)!;
        // Temporal values raw (apache-arrow's get() turns them into unsafe numbers).
        return TEMPORAL.has(v.type.typeId) ? cellToJson(v, i) : plain(v.get(i));
      });
      rows.push(JSON.stringify(row));
    }
  }
  const fields = schema?.fields.map(
    (f) => `${f.name}:${String(f.type)}:${f.nullable}:${JSON.stringify([...f.metadata])}`,
  );
  return { schema: JSON.stringify(fields ?? []), rows };
}
