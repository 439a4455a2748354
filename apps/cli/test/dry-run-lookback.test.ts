import { afterAll, describe, expect, test } from "@jest/globals";
import { watermarkValueText } from "../src/watermark-text.js";
import { cleanup, hygge, memoryProject } from "./helpers.js";

afterAll(cleanup);

// A local plugin: an `events` home with a timestamptz column (µs) and a memory store that merges.
const EVENTS_PLUGIN = `
import { z } from "@hygge/core";
import { batchOf, int64Vector, MemoryBackend, memoryHome, memoryStore, sequenceBatches, typeMatrix } from "@hygge/core/testing";
const int64 = sequenceBatches(1, 1)[0].schema.fields[0].type;
const tsUtc = typeMatrix().schema.fields.find((f) => f.name === "ts_us_utc").type;
const events = batchOf({
  id: int64Vector(int64, [1n, 2n, 3n]),
  updated_at: int64Vector(tsUtc, [1714730400000000n, 1714816800000000n, 1714816800123456n]),
});
const backend = new MemoryBackend();
const runTypes = ["full_drop", "incremental", "merge"];
export default {
  name: "events-test-plugin",
  homes: { events: { options: z.strictObject({}), create: () => memoryHome([events]), describe: () => "events" } },
  stores: {
    mergemem: {
      options: z.strictObject({}),
      runTypes,
      create: (_o, ctx) => memoryStore(backend, ctx.entity ?? ctx.flow, { runTypes }),
      describe: () => "mergemem",
    },
  },
};
`;

const project = (watermark: string) =>
  memoryProject({
    "hygge.yml": "name: demo\nplugins:\n  - PLUGIN\n  - ./events-plugin.mjs\n",
    "events-plugin.mjs": EVENTS_PLUGIN,
    "flows/ev/flow.yml": `home:\n  type: events\nstore:\n  type: mergemem\nrun_type: merge\nwatermark:\n  watermark_column: updated_at\n  primary_key: id\n${watermark}entities: [events]\n`,
  });

type Entry = {
  id: string;
  since?: { value: string; boundaryKeys?: string[]; boundaryKeyCount?: number };
  lookback?: string | number;
  homeSince?: { value: string; kind: string };
};
const dryJson = (dir: string) => {
  const r = hygge(["go", "--dry-run", "--json"], { cwd: dir });
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { entities: Entry[] }).entities;
};

describe("--dry-run with watermark.lookback", () => {
  test("shows the value the home is asked for, the lookback, and that the merge de-duplicates", () => {
    const dir = project("  lookback: 1 day\n");
    const first = hygge(["go", "--dry-run"], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /ev\.events\s+merge\s+.*updated_at: from the start \(journal; lookback 1 day applies once a watermark is committed\)/,
    );
    expect(hygge(["go"], { cwd: dir }).code).toBe(0);

    const r = hygge(["go", "--dry-run"], { cwd: dir });
    expect(r.code).toBe(0);
    // Committed: 2024-05-04T10:00:00.123456Z; the home is asked for rows from one day before.
    expect(r.stdout).toMatch(
      /ev\.events\s+merge\s+.*updated_at >= 2024-05-03T10:00:00\.123456Z \(journal 2024-05-04T10:00:00\.123456Z minus lookback 1 day\)/,
    );
    expect(r.stdout).toContain(
      "lookback: ev.events reads rows already loaded again; the store's merge upserts them by primary key, so none is duplicated",
    );
    expect(r.stdout).not.toMatch(/\d{16}/); // no raw epoch counts

    const [entry] = dryJson(dir);
    expect(entry).toMatchObject({
      id: "ev.events",
      since: { value: "1714816800123456" },
      lookback: "1 day",
      homeSince: { kind: "timestamp", value: "1714730400123456" },
    });
  });

  test("without a lookback the committed value is shown readably, and JSON counts boundary keys", () => {
    const dir = project("");
    expect(hygge(["go"], { cwd: dir }).code).toBe(0);
    const r = hygge(["go", "--dry-run"], { cwd: dir });
    expect(r.stdout).toMatch(/ev\.events\s+merge\s+.*updated_at >= 2024-05-04T10:00:00\.123456Z \(journal\)/);
    expect(r.stdout).not.toContain("lookback");
    const [entry] = dryJson(dir);
    expect(entry!.since).toMatchObject({ value: "1714816800123456", boundaryKeyCount: 1 });
    expect(entry!.since).not.toHaveProperty("boundaryKeys");
    expect(entry).not.toHaveProperty("homeSince");
  });

  test("a lookback that does not fit the committed watermark's kind is refused naming the entity", () => {
    const dir = memoryProject({
      "hygge.yml": "name: demo\nplugins:\n  - PLUGIN\n  - ./events-plugin.mjs\n",
      "events-plugin.mjs": EVENTS_PLUGIN,
      "flows/inc/flow.yml":
        "home:\n  type: memory\nstore:\n  type: mergemem\nrun_type: merge\nwatermark:\n  watermark_column: id\n  primary_key: id\n  lookback: 1 day\nentities: [orders]\n",
    });
    // Before the first commit there is nothing to look back from.
    expect(hygge(["go"], { cwd: dir }).code).toBe(0);
    const r = hygge(["go", "--dry-run"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /\[CONFIG_INVALID\] flow inc, entity orders: watermark\.lookback "1 day" does not apply to the integer watermark column "id"/,
    );
    expect(r.stderr).toContain("takes a non-negative whole number");
  });
});

describe("watermark values as people read them", () => {
  test.each([
    [
      { kind: "timestamp", value: "1714816800123456", unit: "us", timezone: "UTC" },
      "2024-05-04T10:00:00.123456Z",
    ],
    [{ kind: "timestamp", value: "1714816800000000", unit: "us", timezone: "UTC" }, "2024-05-04T10:00:00Z"],
    [
      { kind: "timestamp", value: "1714816800000000001", unit: "ns", timezone: null },
      "2024-05-04T10:00:00.000000001",
    ],
    [{ kind: "timestamp", value: "-1", unit: "us", timezone: "UTC" }, "1969-12-31T23:59:59.999999Z"],
    [{ kind: "timestamp", value: "1714816800", unit: "s", timezone: null }, "2024-05-04T10:00:00"],
    [{ kind: "timestamp", value: "1714816800123", unit: "ms" }, "2024-05-04T10:00:00.123"],
    [{ kind: "date", value: "19847" }, "2024-05-04"],
    [{ kind: "date", value: "-1" }, "1969-12-31"],
    [{ kind: "date", value: "1714780800000", unit: "ms" }, "2024-05-04"],
    [
      { kind: "timestamp", value: "99999999999999999999", unit: "us" },
      "99999999999999999999 (us since 1970-01-01)",
    ],
    [{ kind: "integer", value: "106" }, "106"],
    [{ kind: "float", value: "2.5" }, "2.5"],
    [{ kind: "string", value: "A-100 " }, '"A-100 "'],
  ] as const)("%j → %s", (w, text) => {
    expect(watermarkValueText(w as Parameters<typeof watermarkValueText>[0])).toBe(text);
  });
});
