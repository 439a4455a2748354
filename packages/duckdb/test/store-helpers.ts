import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import {
  type CreateContext,
  formatDecimal,
  formatUuid,
  JSON_EXTENSION,
  parseUuid,
  RunResources,
  silentLogger,
  UUID_EXTENSION,
} from "@hygge/core";
import { batchOf, dateDayVector, decimalVector, int64Vector } from "@hygge/core/testing";
import {
  Binary,
  Bool,
  FixedSizeBinary,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  type RecordBatch,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { openInstance } from "../src/database.js";
import type { DuckDBStoreOptions } from "../src/store/options.js";
import { createDuckDBStore } from "../src/store/store.js";

export function tempProject(): string {
  return mkdtempSync(join(tmpdir(), "hygge-duckdb-store-"));
}

export function storeContext(projectDir: string, flow = "duckflow", entity?: string) {
  const ctx: CreateContext & { resources: RunResources } = {
    flow,
    ...(entity !== undefined ? { entity } : {}),
    projectDir,
    connections: {},
    resources: new RunResources(),
    logger: silentLogger,
  };
  return ctx;
}

export function duckStore(ctx: CreateContext, entity: string, options: Partial<DuckDBStoreOptions> = {}) {
  return createDuckDBStore(
    { path: "warehouse.duckdb", table: "raw.{entity}", replace_existing: false, ...options },
    { ...ctx, entity },
  );
}

/** Runs `fn` on a new connection to the run's instance of `path` (sees committed data only). */
export async function withConnection<T>(
  ctx: CreateContext,
  fn: (c: DuckDBConnection) => Promise<T>,
  path = "warehouse.duckdb",
): Promise<T> {
  const connection = await (await openInstance(ctx, path)).connect();
  try {
    return await fn(connection);
  } finally {
    connection.disconnectSync();
  }
}

export async function rows(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await c.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
}

const nums = (values: DuckDBValue[]) => values as (number | null)[];
const big = (values: DuckDBValue[], pick: (v: never) => bigint) =>
  values.map((v) => (v === null ? null : pick(v as never)));

/**
 * A query's result as one Arrow batch, each DuckDB type mapped back to the Arrow type the store
 * maps to it (exact: 64-bit values as BigInt, decimals as their unscaled integers).
 */
export async function readArrow(c: DuckDBConnection, sql: string): Promise<RecordBatch> {
  const reader = await c.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = reader.getColumns();
  const out: Record<string, Vector> = {};
  const ext: Record<string, string> = {};
  names.forEach((name, i) => {
    const values = columns[i] ?? [];
    const type = types[i]!;
    const text = type.toString();
    const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(text);
    if (decimal) {
      const scale = Number(decimal[2]);
      out[name] = decimalVector(
        Number(decimal[1]),
        scale,
        values.map((v) => (v === null ? null : formatDecimal((v as { value: bigint }).value, scale))),
      );
      return;
    }
    if (type.alias === "JSON") {
      ext[name] = JSON_EXTENSION;
      out[name] = vectorFromArray(values as (string | null)[], new Utf8());
      return;
    }
    switch (text) {
      case "BOOLEAN":
        out[name] = vectorFromArray(values as (boolean | null)[], new Bool());
        return;
      case "TINYINT":
        out[name] = vectorFromArray(nums(values), new Int8());
        return;
      case "SMALLINT":
        out[name] = vectorFromArray(nums(values), new Int16());
        return;
      case "INTEGER":
        out[name] = vectorFromArray(nums(values), new Int32());
        return;
      case "BIGINT":
        out[name] = int64Vector(new Int64(), values as (bigint | null)[]);
        return;
      case "FLOAT":
        out[name] = vectorFromArray(nums(values), new Float32());
        return;
      case "DOUBLE":
        out[name] = vectorFromArray(nums(values), new Float64());
        return;
      case "VARCHAR":
        out[name] = vectorFromArray(values as (string | null)[], new Utf8());
        return;
      case "BLOB":
        out[name] = vectorFromArray(
          values.map((v) => (v === null ? null : (v as { bytes: Uint8Array }).bytes)),
          new Binary(),
        );
        return;
      case "UUID":
        ext[name] = UUID_EXTENSION;
        out[name] = vectorFromArray(
          values.map((v) => (v === null ? null : parseUuid(String(v)))),
          new FixedSizeBinary(16),
        );
        return;
      case "DATE":
        out[name] = dateDayVector(values.map((v) => (v === null ? null : (v as { days: number }).days)));
        return;
      case "TIME":
        out[name] = int64Vector(
          new TimeMicrosecond(),
          big(values, (v: { micros: bigint }) => v.micros),
        );
        return;
      case "TIMESTAMP_S":
        out[name] = int64Vector(
          new TimestampSecond(),
          big(values, (v: { seconds: bigint }) => v.seconds),
        );
        return;
      case "TIMESTAMP_MS":
        out[name] = int64Vector(
          new TimestampMillisecond(),
          big(values, (v: { millis: bigint }) => v.millis),
        );
        return;
      case "TIMESTAMP":
        out[name] = int64Vector(
          new TimestampMicrosecond(),
          big(values, (v: { micros: bigint }) => v.micros),
        );
        return;
      case "TIMESTAMP_NS":
        out[name] = int64Vector(
          new TimestampNanosecond(),
          big(values, (v: { nanos: bigint }) => v.nanos),
        );
        return;
      case "TIMESTAMP WITH TIME ZONE":
        out[name] = int64Vector(
          new TimestampMicrosecond("UTC"),
          big(values, (v: { micros: bigint }) => v.micros),
        );
        return;
      default:
        throw new Error(`readArrow: no Arrow mapping for ${text} (column ${name})`);
    }
  });
  return batchOf(out, ext);
}

export { formatUuid };
