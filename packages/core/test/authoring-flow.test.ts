import { describe, expect, it } from "@jest/globals";
import { batchesFromRows, type Home, isHyggeError, rebatch, runFlow, toRows } from "../src/index.js";
import { MemoryBackend, memoryStore } from "../src/testing/index.js";

/** Pages as a paginated JSON API returns them: ids beyond 2^53 as strings, money as strings. */
const PAGES = [
  [
    { id: "9007199254740993", total: "10.10", paid_at: "2024-01-01T10:00:00.123456Z" },
    { id: "9007199254740994", total: "0.01", paid_at: null },
  ],
  [{ id: "9223372036854775807", total: "-99999.99", paid_at: "1969-12-31T23:59:59.999999Z" }],
  [],
];

/** A home the way the authoring guide writes one: rows in, batches of batch_size out. */
function apiHome(pages: Record<string, unknown>[][], batchSize: number): Home {
  return {
    read() {
      async function* rows() {
        for (const page of pages) yield* page;
      }
      return batchesFromRows(
        "id int64 not null, total decimal(12, 2), paid_at timestamp[us, UTC]",
        rows(),
        batchSize,
      );
    },
  };
}

describe("the authoring kit in a flow", () => {
  it("a home built on batchesFromRows moves every value exactly", async () => {
    const backend = new MemoryBackend();
    const report = await runFlow({
      flow: "api",
      entity: "payments",
      home: apiHome(PAGES, 2),
      store: memoryStore(backend, "payments"),
    });
    expect(report).toMatchObject({ status: "pass", rows: 3, batches: 2 });
    expect(toRows(backend.get("payments")!)).toEqual([
      { id: "9007199254740993", total: "10.10", paid_at: "1704103200123456" },
      { id: "9007199254740994", total: "0.01", paid_at: null },
      { id: "9223372036854775807", total: "-99999.99", paid_at: "-1" },
    ]);
  });

  it("an empty source still gives the destination its columns", async () => {
    const backend = new MemoryBackend();
    const report = await runFlow({
      flow: "api",
      entity: "none",
      home: apiHome([[]], 2),
      store: memoryStore(backend, "none"),
    });
    expect(report).toMatchObject({ status: "pass", rows: 0 });
    expect(backend.get("none")![0]!.schema.fields.map((f) => f.name)).toEqual(["id", "total", "paid_at"]);
  });

  it("a value the column cannot carry fails the flow, naming flow, entity, row, column and value", async () => {
    const bad = [[{ id: 1, total: "1.005", paid_at: null }]];
    const error = await runFlow({
      flow: "api",
      entity: "payments",
      home: apiHome(bad, 2),
      store: memoryStore(new MemoryBackend(), "payments"),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isHyggeError(error)).toBe(true);
    expect(error).toMatchObject({
      code: "HOME_READ_FAILED",
      flow: "api",
      entity: "payments",
      subject: "total",
    });
    expect((error as Error).message).toMatch(
      /row 0, column total: "1.005" is not a decimal\(12, 2\): it has more than 2 decimals/,
    );
  });

  it("rebatch joins a home's small pages into batch_size batches", async () => {
    const backend = new MemoryBackend();
    const home: Home = { read: () => rebatch(apiHome(PAGES, 1).read({} as never), 3) };
    const report = await runFlow({ flow: "api", entity: "p", home, store: memoryStore(backend, "p") });
    expect(report).toMatchObject({ rows: 3, batches: 1 });
    expect(toRows(backend.get("p")!).map((r) => r.id)).toEqual([
      "9007199254740993",
      "9007199254740994",
      "9223372036854775807",
    ]);
  });
});
