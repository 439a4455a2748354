import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { type AzureEmulator, startAzureEmulator } from "../src/testing.js";
import { azureStorage, pattern, uneven } from "./helpers.js";

const MiB = 1024 * 1024;
let emulator: AzureEmulator;
beforeAll(async () => {
  emulator = await startAzureEmulator();
}, 90_000);
afterAll(() => emulator?.stop());

const blocks = async (path: string) => {
  const blob = emulator.service.getContainerClient(emulator.container).getBlockBlobClient(path);
  try {
    const list = await blob.getBlockList("all");
    return { committed: list.committedBlocks ?? [], uncommitted: list.uncommittedBlocks ?? [] };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      return { committed: [], uncommitted: [], missing: true };
    throw error;
  }
};

describe("azure block uploads (azurite)", () => {
  it("Azurite itself enforces If-None-Match: * (so the 8-writer race in the conformance suite can fail)", async () => {
    const blob = emulator.service.getContainerClient(emulator.container).getBlockBlobClient("plain/once");
    await blob.upload("a", 1, { conditions: { ifNoneMatch: "*" } });
    const second = await blob.upload("b", 1, { conditions: { ifNoneMatch: "*" } }).catch((e) => e);
    expect(second.statusCode).toBe(409);
    expect(second.details?.errorCode ?? second.code).toBe("BlobAlreadyExists");
    expect((await blob.downloadToBuffer()).toString()).toBe("a");
  });

  it("streams 16 MiB + 5 bytes in 8 MiB blocks and reads it back whole and across block boundaries", async () => {
    const storage = await azureStorage(emulator.options);
    const body = pattern(16 * MiB + 5);
    const written = await storage.write("big/data.bin", Readable.from(uneven(body)));
    expect(written.size).toBe(body.length);
    const list = await blocks("big/data.bin");
    expect(list.committed.map((b) => b.size)).toEqual([8 * MiB, 8 * MiB, 5]);
    expect(list.uncommitted).toEqual([]);
    expect(Buffer.compare(Buffer.from(await storage.read("big/data.bin")), body)).toBe(0);
    const across = await storage.read("big/data.bin", { offset: 8 * MiB - 3, length: 7 });
    expect(Buffer.from(across)).toEqual(body.subarray(8 * MiB - 3, 8 * MiB + 4));
    expect(await storage.stat("big/data.bin")).toMatchObject({ size: 16 * MiB + 5 });
  });

  it("a body of at most one block is one Put Blob (no block list)", async () => {
    const storage = await azureStorage({ ...emulator.options, block_size_mb: 1 });
    await storage.write("small/exact", Readable.from(uneven(pattern(MiB))));
    expect((await blocks("small/exact")).committed).toEqual([]);
    expect((await storage.stat("small/exact"))?.size).toBe(MiB);
    await storage.write("small/more", Readable.from(uneven(pattern(MiB + 1))));
    expect((await blocks("small/more")).committed.map((b) => b.size)).toEqual([MiB, 1]);
  });

  it("an aborted upload after staged blocks commits nothing: no blob, no committed block", async () => {
    const storage = await azureStorage({ ...emulator.options, block_size_mb: 1, upload_concurrency: 2 });
    const controller = new AbortController();
    let staged = 0;
    async function* source() {
      for (let i = 0; i < 5; i++) {
        staged++;
        yield pattern(MiB, i);
      }
      controller.abort();
      // Unref: the generator is destroyed while it waits here; its timer must not hold jest.
      await new Promise((r) => setTimeout(r, 10_000).unref());
      yield pattern(MiB);
    }
    const started = Date.now();
    const error = await storage
      .write("aborted/new.bin", Readable.from(source()), controller.signal)
      .catch((e) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe("ABORTED");
    expect(error.message).toContain("az://");
    expect(staged).toBe(5);
    expect(await storage.stat("aborted/new.bin")).toBeUndefined();
    const list = await blocks("aborted/new.bin");
    expect(list.committed).toEqual([]);
    const listed: string[] = [];
    for await (const o of storage.list("aborted/")) listed.push(o.path);
    expect(listed).toEqual([]);
  });

  it("a source failing after staged blocks keeps the old object, with its old block list", async () => {
    const storage = await azureStorage({ ...emulator.options, block_size_mb: 1 });
    const old = pattern(3 * MiB, 1);
    await storage.write("keep/data.bin", old);
    const before = (await blocks("keep/data.bin")).committed.map((b) => b.name);
    expect(before).toHaveLength(3);
    async function* failing() {
      yield pattern(4 * MiB, 2);
      throw new Error("source failed");
    }
    await expect(storage.write("keep/data.bin", Readable.from(failing()))).rejects.toThrow("source failed");
    expect((await blocks("keep/data.bin")).committed.map((b) => b.name)).toEqual(before);
    expect(Buffer.compare(Buffer.from(await storage.read("keep/data.bin")), old)).toBe(0);
  });

  it("reads ranges at and past the end as the local disk does", async () => {
    const storage = await azureStorage(emulator.options);
    await storage.write("range/f", Buffer.from("0123456789"));
    expect(Buffer.from(await storage.read("range/f", { offset: 8, length: 5 })).toString()).toBe("89");
    expect(await storage.read("range/f", { offset: 10, length: 5 })).toHaveLength(0);
    expect(await storage.read("range/f", { offset: 3, length: 0 })).toHaveLength(0);
  });

  it("keeps keys with spaces, '+', '%', '#' and non-ASCII letters exact", async () => {
    const storage = await azureStorage(emulator.options);
    const key = "odd/år 2024+q1 %41 #1/ü.csv";
    await storage.write(key, Buffer.from("x,y"));
    const listed: string[] = [];
    for await (const o of storage.list("odd/")) listed.push(o.path);
    expect(listed).toEqual([key]);
    expect(Buffer.from(await storage.read(key)).toString()).toBe("x,y");
    await storage.copy(key, `${key}.copy`);
    expect((await storage.stat(`${key}.copy`))?.size).toBe(3);
  });

  it("a stream cancelled half way fails with ABORTED naming the az:// url", async () => {
    const storage = await azureStorage(emulator.options);
    await storage.write("cancel/big.bin", pattern(12 * MiB));
    const controller = new AbortController();
    const stream = await storage.stream("cancel/big.bin", controller.signal);
    let received = 0;
    const error = await (async () => {
      for await (const chunk of stream) {
        received += (chunk as Buffer).length;
        if (received >= MiB) controller.abort();
      }
    })().catch((e) => e);
    expect(received).toBeGreaterThanOrEqual(MiB);
    expect(received).toBeLessThan(12 * MiB);
    expect(error?.code).toBe("ABORTED");
    expect(error.message).toContain(`az://${emulator.container}/cancel/big.bin`);
  });
});
