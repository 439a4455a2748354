import { afterAll, describe, it } from "@jest/globals";
import { runFaultSuite } from "./support/fault-harness.js";
import { parquetDestination, parquetSource } from "./support/parquet-side.js";
import { connectionsYaml, pgDestination, pgSource, pgUrl } from "./support/pg-side.js";
import { COMMON_FAULT_POINTS } from "./support/trials.js";

const TRIALS = Number(process.env.HYGGE_FAULT_TRIALS ?? 50);
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

// These suites need a PostgreSQL server: .ci/run provides this machine's (HYGGE_TEST_POSTGRES_URL).
// Without one they are reported as skipped, never passed.
const maybe = pgUrl ? describe : describe.skip;

maybe("exactly-once under SIGKILL with PostgreSQL", () => {
  const url = pgUrl!;
  const schema = (kind: string) => `hygge_fault_${kind}_${process.pid}`;
  const password = pgUrl ? decodeURIComponent(new URL(pgUrl).password) : "";
  const env: Record<string, string> = password ? { HYGGE_FAULT_PGPASSWORD: password } : {};

  it(`PostgreSQL → parquet: ${TRIALS} kills`, async () => {
    await runFaultSuite({
      label: "postgres→parquet",
      plugins: ["parquet", "sql"],
      connectionsYaml: connectionsYaml(url),
      points: [
        ...COMMON_FAULT_POINTS,
        "files:after-intent",
        "files:after-link",
        "files:mid-publish",
        "files:before-state",
      ],
      trials: TRIALS,
      entities: ["alpha", "beta"],
      env,
      source: async () => {
        const s = await pgSource(url, schema("src"));
        closers.push(s.close);
        return s;
      },
      destination: parquetDestination,
    });
  });

  it(`parquet → PostgreSQL: ${TRIALS} kills`, async () => {
    await runFaultSuite({
      label: "parquet→postgres",
      plugins: ["parquet", "sql"],
      connectionsYaml: connectionsYaml(url),
      points: [...COMMON_FAULT_POINTS, "sql:before-commit", "sql:after-commit"],
      trials: TRIALS,
      entities: ["alpha", "beta"],
      env,
      source: parquetSource,
      destination: async () => {
        const d = await pgDestination(url, schema("dst"));
        closers.push(d.close);
        return d;
      },
    });
  });
});
