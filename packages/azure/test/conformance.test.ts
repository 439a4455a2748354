import { Registry, RunResources, resolveStorage } from "@hygge/core";
import { testStorage } from "@hygge/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import plugin from "../src/index.js";
import { type AzureEmulator, startAzureEmulator } from "../src/testing.js";
import { azureStorage, silent } from "./helpers.js";

// The storage conformance suite against Azurite, the 8-writer createIfAbsent race included:
// Azurite enforces If-None-Match: * as Azure does (upload.test.ts shows it without the driver).
let emulator: AzureEmulator;
beforeAll(async () => {
  emulator = await startAzureEmulator();
}, 90_000);
afterAll(() => emulator?.stop());

let shared: ReturnType<typeof azureStorage> | undefined;
testStorage({
  name: "azure (azurite)",
  storage: () => (shared ??= azureStorage(emulator.options)),
  prefix: () => "conformance/",
});

describe("azure through core's storage resolution", () => {
  it("an az:// path takes its container from the URL and credentials from the connection", async () => {
    const registry = new Registry([plugin]);
    const resources = new RunResources();
    const { container, ...credentials } = emulator.options;
    const ctx = {
      connections: {
        lake: { name: "lake", type: "azure", options: { ...credentials, container: "elsewhere" } },
        exact: { name: "exact", type: "azure", options: emulator.options },
      },
      resources,
      projectDir: process.cwd(),
      logger: silent,
    };
    try {
      const byUrl = await resolveStorage(registry, ctx, {
        connection: "lake",
        path: `az://${container}/resolve/./a/`,
      });
      expect(byUrl.path).toBe("resolve/a");
      expect(byUrl.storage.url(`${byUrl.path}/f.txt`)).toBe(`az://${container}/resolve/a/f.txt`);
      await byUrl.storage.write(`${byUrl.path}/f.txt`, Buffer.from("through resolve"));
      const byConnection = await resolveStorage(registry, ctx, {
        connection: "exact",
        path: "resolve/a/f.txt",
      });
      expect(Buffer.from(await byConnection.storage.read(byConnection.path)).toString()).toBe(
        "through resolve",
      );
    } finally {
      await resources.closeAll();
    }
  });
});
