import { type AzureEmulator, startAzureEmulator } from "@hygge/azure/testing";
import { type S3Emulator, startS3Emulator } from "@hygge/s3/testing";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { runFaultSuite, runIncrementalFaultSuite } from "./support/fault-harness.js";
import { azureReader, lakeConnectionYaml, objectDestination, s3Reader } from "./support/object-side.js";
import { parquetSource } from "./support/parquet-side.js";
import { COMMON_FAULT_POINTS } from "./support/trials.js";

// Issue 10: the kill -9 suite on object storage, with the invariants of the local disk: after every
// completed run each source row is published exactly once, and readers never see staging; after a
// killed incremental run readers still see everything published before it, and no row twice.
const TRIALS = Number(process.env.HYGGE_FAULT_OBJECT_TRIALS ?? 6);
const POINTS = [
  ...COMMON_FAULT_POINTS,
  "files:object:after-commit-record",
  "files:object:mid-copy",
  "files:object:before-state",
];
const STORE = "{ type: parquet, connection: lake, path: out }";

let s3: S3Emulator;
let azure: AzureEmulator;
beforeAll(async () => {
  [s3, azure] = await Promise.all([startS3Emulator(), startAzureEmulator()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([s3?.stop(), azure?.stop()]);
});

/** Each suite writes under its own bucket prefix: a fresh folder per project. */
const prefixed = (folder: string) => STORE.replace("path: out", `path: ${folder}/out`);

describe("exactly-once under SIGKILL on object storage", () => {
  for (const mode of ["mixed", "incremental"] as const) {
    const run = mode === "mixed" ? runFaultSuite : runIncrementalFaultSuite;
    it(`parquet → S3 (s3rver), ${mode}: ${TRIALS} trials`, async () => {
      const folder = `s3-${mode}-${process.pid}`;
      const reader = s3Reader(s3);
      await run({
        label: `parquet→s3 ${mode}`,
        plugins: ["parquet", "s3"],
        connectionsYaml: lakeConnectionYaml("s3", s3.options),
        points: POINTS,
        trials: TRIALS,
        entities: ["alpha", "beta"],
        source: parquetSource,
        destination: (dir) => objectDestination(dir, prefixedReader(reader, folder), prefixed(folder)),
      });
    });

    it(`parquet → Azure Blob (azurite), ${mode}: ${TRIALS} trials`, async () => {
      const folder = `az-${mode}-${process.pid}`;
      const reader = azureReader(azure);
      await run({
        label: `parquet→azure ${mode}`,
        plugins: ["parquet", "azure"],
        connectionsYaml: lakeConnectionYaml("azure", azure.options),
        points: POINTS,
        trials: TRIALS,
        entities: ["alpha", "beta"],
        source: parquetSource,
        destination: (dir) => objectDestination(dir, prefixedReader(reader, folder), prefixed(folder)),
      });
    });
  }
});

/** The reader of `<folder>/out/…` keys, as `out/…`. */
function prefixedReader(reader: ReturnType<typeof s3Reader>, folder: string) {
  return {
    list: async (prefix: string) =>
      (await reader.list(`${folder}/${prefix}`)).map((k) => k.slice(folder.length + 1)),
    get: (key: string) => reader.get(`${folder}/${key}`),
  };
}
