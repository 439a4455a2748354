import { testStorage } from "@hygge/core/testing";
import { afterAll, beforeAll } from "@jest/globals";
import { s3Storage } from "../src/index.js";
import type { S3Storage } from "../src/s3-storage.js";
import { type S3Emulator, startS3Emulator } from "../src/testing.js";

let emulator: S3Emulator;
let storage: S3Storage;

beforeAll(async () => {
  emulator = await startS3Emulator();
  storage = (await s3Storage.create(s3Storage.options.parse(emulator.options), {
    projectDir: process.cwd(),
    logger: console as never,
  })) as S3Storage;
});
afterAll(async () => {
  await storage?.close();
  await emulator?.stop();
});

// s3rver ignores If-None-Match (see s3.test.ts): the driver runs in best-effort mode, and the race
// of writers, which only the service itself can settle, is not tested here.
testStorage({
  name: "s3 (s3rver)",
  storage: () => storage,
  prefix: () => "conformance/",
  skip: ["race"],
});
