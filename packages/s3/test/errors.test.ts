import { type HyggeError, isHyggeError } from "@hygge/core";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { type S3Emulator, startS3Emulator } from "../src/testing.js";
import { storageOn } from "./helpers.js";

let emulator: S3Emulator;
beforeAll(async () => {
  emulator = await startS3Emulator();
});
afterAll(async () => {
  await emulator?.stop();
});

const SECRET = "Sup3rS3cretValue-do-not-print";
const failure = async (p: Promise<unknown>): Promise<HyggeError> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHyggeError(error)) throw new Error(`expected a HyggeError, got ${String(error)}`);
  return error;
};
const shown = (e: HyggeError) => `${e.message}\n${e.hint ?? ""}\n${e.subject ?? ""}`;

describe("errors name the object and what to do, never secrets", () => {
  it("a bucket that does not exist", async () => {
    const storage = storageOn(emulator, { bucket: "no-such-bucket", secret_access_key: SECRET });
    for (const call of [
      () => storage.read("a/b.parquet"),
      () => storage.stat("a/b.parquet"),
      () => storage.write("a/b.parquet", new Uint8Array(3)),
      async () => {
        for await (const _ of storage.list("a/"));
      },
    ]) {
      const e = await failure(call());
      expect(e.code).toBe("CONNECTION_FAILED");
      expect(e.message).toContain("s3://no-such-bucket/a/");
      expect(e.hint).toMatch(/create the bucket, or fix `bucket:`/);
      expect(shown(e)).not.toContain(SECRET);
    }
    await storage.close();
  });

  it("credentials the service refuses (s3rver checks the access key id, not SigV4 signatures)", async () => {
    const storage = storageOn(emulator, {
      access_key_id: "NOT-A-KEY",
      secret_access_key: SECRET,
      session_token: SECRET,
    });
    const e = await failure(storage.read("x/y.csv"));
    expect(e.code).toBe("CONNECTION_FAILED");
    expect(e.message).toContain("s3://hygge-test/x/y.csv");
    expect(e.message).toMatch(/InvalidAccessKeyId.*403/);
    expect(e.hint).toMatch(/check the credentials/);
    expect(shown(e)).not.toContain(SECRET);
    expect(JSON.stringify({ message: e.message, hint: e.hint, cause: String(e.cause) })).not.toContain(
      SECRET,
    );
    await storage.close();
  });

  it("an endpoint nobody listens on", async () => {
    const storage = storageOn(emulator, { endpoint: "http://127.0.0.1:9", secret_access_key: SECRET });
    const e = await failure(storage.stat("k"));
    expect(e.code).toBe("CONNECTION_FAILED");
    expect(e.transient).toBe(true);
    expect(e.message).toContain("s3://hygge-test/k");
    expect(e.message).toContain("http://127.0.0.1:9");
    expect(e.hint).toMatch(/endpoint/);
    expect(shown(e)).not.toContain(SECRET);
    await storage.close();
  });

  it("a missing object: stat is undefined, read fails naming it", async () => {
    const storage = storageOn(emulator);
    expect(await storage.stat("none/here")).toBeUndefined();
    const e = await failure(storage.read("none/here"));
    expect(e.code).toBe("HOME_READ_FAILED");
    expect(e.message).toMatch(/s3:\/\/hygge-test\/none\/here failed: NoSuchKey/);
    await storage.close();
  });

  it("an aborted signal cancels reads and lists", async () => {
    const storage = storageOn(emulator);
    await storage.write("sig/a", new Uint8Array(10));
    const signal = AbortSignal.abort();
    expect((await failure(storage.read("sig/a", undefined, signal))).code).toBe("ABORTED");
    expect((await failure(storage.stream("sig/a", signal))).code).toBe("ABORTED");
    const listing = (async () => {
      for await (const _ of storage.list("sig/", signal));
    })();
    expect((await failure(listing)).code).toBe("ABORTED");
    await storage.close();
  });
});
