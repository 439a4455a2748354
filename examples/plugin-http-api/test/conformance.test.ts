// The conformance suite of @hygge/core/testing, with a local JSON API as the backend.

import { batchToRows, formatIsoTimestamp, formatUuid, isUuidField, typeNameOf } from "@hygge/core";
import { testHome } from "@hygge/core/testing";
import { afterAll, beforeAll } from "@jest/globals";
import { type RecordBatch, type Timestamp, Type } from "apache-arrow";
import { httpApiHome } from "../src/index.js";
import { cursorPages, startServer, type TestServer } from "./server.js";

/** Seeded entities: their rows as the API sends them (JSON values) and their declared columns. */
const sources = new Map<string, { rows: unknown[]; columns: string }>();
let server: TestServer;

beforeAll(async () => {
  const serve = cursorPages((url) => sources.get(url.pathname.split("/").pop()!)?.rows ?? [], 700);
  server = await startServer((url) => serve(url));
});
afterAll(() => server.close());

/** One batch's rows as JSON values an API would send: 64-bit integers and decimals as strings, timestamps ISO. */
function jsonRows(batch: RecordBatch): unknown[] {
  return batchToRows(batch).map((row) =>
    Object.fromEntries(
      batch.schema.fields.map((f) => {
        const v = row[f.name];
        if (v === null) return [f.name, null];
        if (isUuidField(f)) return [f.name, formatUuid(v as Uint8Array)];
        if (f.type.typeId === Type.Timestamp) {
          const t = f.type as Timestamp;
          return [f.name, formatIsoTimestamp(v as bigint, t.unit, Boolean(t.timezone))];
        }
        return [f.name, typeof v === "bigint" ? String(v) : v];
      }),
    ),
  );
}

testHome({
  name: "http_api",
  // JSON carries no bytes (binary), and `columns:` has no struct type: the API would send those as text.
  excludeTypes: ["binary", "struct"],
  seed: async (entity, batches) => {
    const columns = batches[0]!.schema.fields.map((f) => `${f.name} ${typeNameOf(f)}`).join(", ");
    sources.set(entity, { rows: batches.flatMap(jsonRows), columns });
  },
  create: (entity, { batchSize }) =>
    httpApiHome(
      {
        url: `${server.base}/v1/{entity}`,
        items: "data",
        next: "next_cursor",
        cursor_param: "cursor",
        columns: sources.get(entity)!.columns,
        headers: {},
        batch_size: batchSize ?? 10_000,
        timeout_ms: 10_000,
        max_retry_after_ms: 0,
      },
      entity,
    ),
});
