import { describe, it } from "@jest/globals";
import { runFaultSuite } from "./support/fault-harness.js";
import { parquetDestination, parquetSource } from "./support/parquet-side.js";
import { COMMON_FAULT_POINTS } from "./support/trials.js";

const TRIALS = Number(process.env.HYGGE_FAULT_TRIALS ?? 50);

describe("exactly-once under SIGKILL", () => {
  it(`parquet → parquet: ${TRIALS} kills, alternating full_drop and incremental, with late boundary rows`, async () => {
    await runFaultSuite({
      label: "parquet→parquet",
      plugins: ["parquet"],
      points: [
        ...COMMON_FAULT_POINTS,
        "files:after-intent",
        "files:after-link",
        "files:mid-publish",
        "files:before-state",
      ],
      trials: TRIALS,
      entities: ["alpha", "beta"],
      source: parquetSource,
      destination: parquetDestination,
    });
  });
});
