import { testStorage } from "@hygge/core/testing";
import { afterAll, beforeAll } from "@jest/globals";
import plugin from "../src/index.js";
import { type AzureEmulator, startAzureEmulator } from "../src/testing.js";

// The storage conformance suite against Azurite, the 8-writer createIfAbsent race included:
// Azurite enforces If-None-Match: * as Azure does (driver.test.ts shows it without the driver).
let emulator: AzureEmulator;
beforeAll(async () => {
  emulator = await startAzureEmulator();
}, 90_000);
afterAll(() => emulator?.stop());

const storage = async () => {
  const definition = plugin.storages.azure;
  return definition.create(definition.options.parse(emulator.options), {
    projectDir: process.cwd(),
    logger: { debug() {}, info() {}, warn() {} },
  });
};
let shared: ReturnType<typeof storage> | undefined;

testStorage({
  name: "azure (azurite)",
  storage: () => (shared ??= storage()),
  prefix: () => "conformance/",
});
