import { Registry, RunResources, resolveStorage, silentLogger } from "@hygge/core";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import plugin from "../src/index.js";
import { type S3Emulator, startS3Emulator } from "../src/testing.js";

let emulator: S3Emulator;
const resources = new RunResources();
beforeAll(async () => {
  emulator = await startS3Emulator({ bucket: "lake" });
});
afterAll(async () => {
  await resources.closeAll();
  await emulator?.stop();
});

describe("core resolves s3 paths and connections to this driver", () => {
  it("an s3:// path with a connection's credentials, and a path inside a connection", async () => {
    const { bucket: _, ...connection } = emulator.options;
    const ctx = {
      projectDir: "/",
      logger: silentLogger,
      resources,
      connections: {
        emu: { name: "emu", type: "s3", options: connection },
        lake: { name: "lake", type: "s3", options: emulator.options },
      },
    };
    const registry = new Registry([plugin]);
    const byUrl = await resolveStorage(registry, ctx, { connection: "emu", path: "s3a://lake/raw/sales/" });
    expect(byUrl.path).toBe("raw/sales");
    expect(byUrl.storage.url(`${byUrl.path}/x.csv`)).toBe("s3://lake/raw/sales/x.csv");
    await byUrl.storage.write(`${byUrl.path}/x.csv`, new TextEncoder().encode("a,b\n"));

    const byConnection = await resolveStorage(registry, ctx, { connection: "lake", path: "raw/sales" });
    const listed = [];
    for await (const o of byConnection.storage.list(`${byConnection.path}/`)) listed.push([o.path, o.size]);
    expect(listed).toEqual([["raw/sales/x.csv", 4]]);
  });
});
