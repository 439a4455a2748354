import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { localStorage } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { csvFormat } from "../src/index.js";
import { context, fileSource, q, readOpts, sql, tempDir } from "./helpers.js";

describe("csv streaming", () => {
  it("reads a 200k-row file batch by batch, never far ahead of the rows it has yielded", async () => {
    const dir = await tempDir("big");
    const path = join(dir, "big.csv");
    await sql(
      `COPY (SELECT i AS id, 'row ' || i || ' ' || repeat('x', 20) AS s, ((i % 100000) / 100)::DECIMAL(9,2) AS d
             FROM range(200000) t(i)) TO ${q(path)} (FORMAT csv, HEADER)`,
    );
    const { size } = await stat(path);
    // Count the bytes the reader pulls from storage: memory is flat when that stays close to the
    // rows already yielded, whatever the file's size (a deterministic measure, unlike the heap).
    let pulled = 0;
    const source = {
      ...(await fileSource(path)),
      stream: async (signal?: AbortSignal) =>
        (await localStorage.stream(path.slice(1), signal)).pipe(
          new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              pulled += chunk.length;
              callback(null, chunk);
            },
          }),
        ),
    };
    const options = readOpts({ columns: { id: "int64", s: "string", d: "decimal(9, 2)" } });
    const ctx = context();
    const schema = await csvFormat.schema(source, options, ctx);
    pulled = 0; // schema() read a sample only
    let rows = 0;
    let sum = 0n;
    let batches = 0;
    let aheadMax = 0;
    for await (const batch of csvFormat.read(source, schema, options, ctx)) {
      batches++;
      rows += batch.numRows;
      aheadMax = Math.max(aheadMax, pulled - (size * rows) / 200_000);
      const ids = batch.getChild("id")!.data[0]!.values as BigInt64Array;
      for (const id of ids.subarray(0, batch.numRows)) sum += id;
    }
    expect(rows).toBe(200_000);
    expect(sum).toBe((199_999n * 200_000n) / 2n);
    expect(batches).toBe(20);
    expect(pulled).toBe(size);
    expect(size).toBeGreaterThan(7e6);
    // A batch is ~450 kB of text here; the read-ahead stays within a few stream buffers.
    expect(aheadMax).toBeLessThan(1.5e6);
    expect(aheadMax).toBeGreaterThan(0);
  });
});
