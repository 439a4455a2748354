import { Readable } from "node:stream";
import { CreateMultipartUploadCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { isHyggeError } from "@hygge/core";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { S3Storage } from "../src/s3-storage.js";
import { type S3Emulator, startS3Emulator } from "../src/testing.js";
import { MIB, pattern, pendingUploads, storageOn } from "./helpers.js";

let emulator: S3Emulator;
let storage: S3Storage;
beforeAll(async () => {
  emulator = await startS3Emulator();
  storage = storageOn(emulator, { part_size_mib: 5, upload_concurrency: 2 });
});
afterAll(async () => {
  await storage?.close();
  await emulator?.stop();
});

const since = (n: number) => emulator.requests.slice(n);
const chunks = (bytes: Uint8Array, size: number) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield Buffer.from(bytes.subarray(i, i + size));
    })(),
  );

describe("multipart uploads", () => {
  it("a streamed 12 MiB object goes up in three 5 MiB parts and reads back byte for byte", async () => {
    const body = pattern(12 * MIB + 123);
    const n = emulator.requests.length;
    const written = await storage.write("mp/big.bin", chunks(body, 64 * 1024));
    expect(written.size).toBe(body.length);
    const calls = since(n);
    expect(calls.filter((r) => r.method === "POST" && r.url.includes("?uploads"))).toHaveLength(1);
    expect(calls.filter((r) => r.method === "PUT" && /[?&]partNumber=/.test(r.url))).toHaveLength(3);
    expect(calls.filter((r) => r.method === "POST" && r.url.includes("uploadId="))).toHaveLength(1);
    const back = await storage.read("mp/big.bin");
    expect(Buffer.compare(Buffer.from(back), Buffer.from(body))).toBe(0);
    expect(await pendingUploads(storage)).toEqual([]);
  });

  it("an object smaller than one part is one PutObject", async () => {
    const n = emulator.requests.length;
    await storage.write("mp/small.bin", chunks(pattern(100_000), 4096));
    const calls = since(n).filter((r) => r.method !== "HEAD");
    expect(calls.map((r) => r.method)).toEqual(["PUT"]);
    expect(calls[0]?.url).not.toMatch(/partNumber|uploads/);
  });

  it("the pending-upload check sees an upload left behind (so the checks below can fail)", async () => {
    const created = await storage.client.send(
      new CreateMultipartUploadCommand({ Bucket: storage.bucket, Key: "mp/left" }),
    );
    await storage.client.send(
      new UploadPartCommand({
        Bucket: storage.bucket,
        Key: "mp/left",
        UploadId: created.UploadId,
        PartNumber: 1,
        Body: pattern(1000),
      }),
    );
    expect(await pendingUploads(storage)).toEqual([`mp/left#${created.UploadId}`]);
    await storage.client.send(
      new (await import("@aws-sdk/client-s3")).AbortMultipartUploadCommand({
        Bucket: storage.bucket,
        Key: "mp/left",
        UploadId: created.UploadId,
      }),
    );
    expect(await pendingUploads(storage)).toEqual([]);
  });

  it("a write aborted after two parts leaves no object and no pending multipart upload", async () => {
    const controller = new AbortController();
    const n = emulator.requests.length;
    const parts = () => since(n).filter((r) => r.method === "PUT" && /partNumber=/.test(r.url)).length;
    async function* endless() {
      for (let i = 0; ; i++) {
        if (parts() >= 2) controller.abort();
        yield Buffer.alloc(MIB, i);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const error = await storage
      .write("mp/aborted.bin", Readable.from(endless()), controller.signal)
      .catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("ABORTED");
    expect((error as Error).message).toContain("s3://hygge-test/mp/aborted.bin");
    expect(parts()).toBeGreaterThanOrEqual(2);
    expect(since(n).filter((r) => r.method === "DELETE" && r.url.includes("uploadId="))).toHaveLength(1);
    expect(await storage.stat("mp/aborted.bin")).toBeUndefined();
    expect(await pendingUploads(storage)).toEqual([]);
  });

  it("a source failing after 12 MiB fails the write, with no object and no pending upload", async () => {
    async function* failing() {
      for (let i = 0; i < 12; i++) yield Buffer.alloc(MIB, i);
      throw new Error("the source broke");
    }
    const error = await storage.write("mp/failed.bin", Readable.from(failing())).catch((e: unknown) => e);
    expect(isHyggeError(error) && error.code).toBe("STORE_WRITE_FAILED");
    expect((error as Error).message).toMatch(/s3:\/\/hygge-test\/mp\/failed\.bin.*the source broke/);
    expect(await storage.stat("mp/failed.bin")).toBeUndefined();
    expect(await pendingUploads(storage)).toEqual([]);
  });
});
