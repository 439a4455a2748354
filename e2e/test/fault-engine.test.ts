import { describe, it } from "@jest/globals";
import { runFaultSuite } from "./support/fault-harness.js";
import { parquetDestination, parquetSource } from "./support/parquet-side.js";
import { COMMON_FAULT_POINTS } from "./support/trials.js";

const TRIALS = Number(process.env.HYGGE_FAULT_TRIALS ?? 50);

/**
 * The parquet → parquet suite with `engine: duckdb`: full_drop runs (and incremental runs with no
 * committed watermark yet) copy inside DuckDB into the file store's staging; incremental runs that
 * resume from a watermark fall back to the batch loop. Either way, exactly once.
 */
describe("exactly-once under SIGKILL, engine: duckdb", () => {
  it(`parquet → parquet on the engine: ${Math.ceil(TRIALS / 2)} kills`, async () => {
    await runFaultSuite({
      label: "parquet→parquet engine",
      plugins: ["parquet", "duckdb"],
      flowLines: ["engine: duckdb"],
      points: [
        ...COMMON_FAULT_POINTS,
        "files:after-intent",
        "files:after-link",
        "files:mid-publish",
        "files:before-state",
      ],
      trials: Math.ceil(TRIALS / 2),
      entities: ["alpha", "beta"],
      source: parquetSource,
      destination: parquetDestination,
    });
  });
});
