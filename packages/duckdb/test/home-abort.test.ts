import { describe, expect, it } from "@jest/globals";
import { makeHome, projectDir, readContext } from "./home-helpers.js";

const dir = await projectDir("abort");

describe("duckdb home: abort and close", () => {
  it("an abort mid-stream ends the read with ABORTED, never as a short clean end", async () => {
    const home = makeHome(dir, {
      query: "select range as i, hash(range) as h from range(1000000000)",
      batch_size: 1000,
    });
    const controller = new AbortController();
    let rows = 0;
    const outcome = await (async () => {
      for await (const batch of home.read(readContext(undefined, { signal: controller.signal }))) {
        rows += batch.numRows;
        if (rows === 3000) controller.abort(new Error("stop"));
      }
      return "ended";
    })().catch((e: { code?: string }) => e.code);
    await home.close();
    expect(outcome).toBe("ABORTED");
    expect(rows).toBeLessThan(100_000);
  });

  it("an abort interrupts a query still computing its first rows, promptly", async () => {
    const home = makeHome(dir, { query: "select max(hash(range)) as s from range(100000000000)" });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("stop")), 300);
    const iterator = home.read(readContext(undefined, { signal: controller.signal }))[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ code: "ABORTED" });
    expect(Date.now() - started).toBeLessThan(5000);
    await home.close();
  });

  it("close() while a next() is pending interrupts it and releases the connection", async () => {
    const home = makeHome(dir, { query: "select max(hash(range)) as s from range(100000000000)" });
    const iterator = home.read(readContext())[Symbol.asyncIterator]();
    const pending = iterator.next();
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await home.close();
    await expect(pending).rejects.toMatchObject({
      code: "ABORTED",
      message: expect.stringContaining("closed"),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    // The home still works for a new read (a fresh connection).
  });

  it("a reader that stops early (return()) releases the connection; the file can be read again", async () => {
    const home = makeHome(dir, { query: "select range as i from range(1000000)", batch_size: 100 });
    for await (const _ of home.read(readContext())) break;
    let n = 0;
    for await (const b of home.read(readContext())) n += b.numRows;
    expect(n).toBe(1_000_000);
    await home.close();
  });
});
