import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { S3Storage } from "../src/s3-storage.js";
import { type S3Emulator, startS3Emulator } from "../src/testing.js";
import { MIB, pattern, storageOn } from "./helpers.js";

let emulator: S3Emulator;
let enforced: S3Storage;
let bestEffort: S3Storage;
beforeAll(async () => {
  emulator = await startS3Emulator();
  enforced = storageOn(emulator, { conditional_writes: true });
  bestEffort = storageOn(emulator);
});
afterAll(async () => {
  await enforced?.close();
  await bestEffort?.close();
  await emulator?.stop();
});
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

describe("what the emulator can and cannot show", () => {
  it("s3rver ignores If-None-Match: *, so an enforced createIfAbsent overwrites there (why the race case is skipped)", async () => {
    expect(enforced.capabilities.conditionalCreate).toBe("enforced");
    // The SDK sends the header (checked in the request below): s3rver answers 200 over an existing object.
    await enforced.client.send(
      new PutObjectCommand({ Bucket: enforced.bucket, Key: "inm/raw", Body: bytes("a") }),
    );
    await enforced.client.send(
      new PutObjectCommand({ Bucket: enforced.bucket, Key: "inm/raw", Body: bytes("b"), IfNoneMatch: "*" }),
    );
    expect(text(await enforced.read("inm/raw"))).toBe("b");
    // So the driver in "enforced" mode, which trusts the service, reports two creations.
    expect(await enforced.createIfAbsent("inm/commit.json", bytes("first"))).toBe(true);
    expect(await enforced.createIfAbsent("inm/commit.json", bytes("second"))).toBe(true);
    expect(text(await enforced.read("inm/commit.json"))).toBe("second");
  });

  it("with conditional_writes: false the driver checks with HEAD first (best-effort)", async () => {
    expect(bestEffort.capabilities.conditionalCreate).toBe("best-effort");
    expect(await bestEffort.createIfAbsent("be/commit.json", bytes("first"))).toBe(true);
    expect(await bestEffort.createIfAbsent("be/commit.json", bytes("second"))).toBe(false);
    expect(text(await bestEffort.read("be/commit.json"))).toBe("first");
  });

  it("a ranged read fetches only the range (the emulator's byte count of the response)", async () => {
    await bestEffort.write("range/obj.bin", pattern(4 * MIB));
    const n = emulator.requests.length;
    const got = await bestEffort.read("range/obj.bin", { offset: 1_000_000, length: 1000 });
    expect(
      Buffer.compare(Buffer.from(got), Buffer.from(pattern(4 * MIB).subarray(1_000_000, 1_001_000))),
    ).toBe(0);
    const gets = emulator.requests.slice(n).filter((r) => r.method === "GET");
    expect(gets).toHaveLength(1);
    expect(gets[0]?.range).toBe("bytes=1000000-1000999");
    // 1000 bytes of body plus the response headers, not 4 MiB.
    expect(gets[0]?.bytesSent).toBeGreaterThanOrEqual(1000);
    expect(gets[0]?.bytesSent).toBeLessThan(3000);
    // And the whole object, for comparison, sends it all.
    const m = emulator.requests.length;
    await bestEffort.read("range/obj.bin");
    expect(emulator.requests.slice(m).find((r) => r.method === "GET")?.bytesSent).toBeGreaterThan(4 * MIB);
  });
});
