// Child process of store-crash.test.ts. `load <dir> <entity> <runType> <killAfter>`: a run that
// SIGKILLs itself after `killAfter` batches (or at a fault point, HYGGE_FAULT_KILL_AT);
// `hold <dir>`: keeps the database file open (locked) until stdin closes.
import { DuckDBInstance } from "@duckdb/node-api";
import { type RunType, runFlow } from "@hygge/core";
import { sequenceBatches } from "@hygge/core/testing";
import { duckStore, storeContext } from "./store-helpers.js";

const [mode, dir, entity, runType, killAfter] = process.argv.slice(2) as [
  string,
  string,
  string,
  RunType,
  string,
];
if (mode === "hold") {
  const instance = await DuckDBInstance.create(`${dir}/warehouse.duckdb`);
  process.stdout.write("ready\n");
  process.stdin.resume();
  process.stdin.on("end", () => {
    instance.closeSync();
    process.exit(0);
  });
} else {
  const ctx = storeContext(dir, "crash");
  let sent = 0;
  await runFlow({
    flow: "crash",
    entity,
    runType,
    watermark: { column: "id", primaryKey: ["id"] },
    primaryKey: ["id"],
    home: {
      async *read() {
        for (const batch of sequenceBatches(400_000, 10_000, 1_000_000)) {
          if (++sent > Number(killAfter)) process.kill(process.pid, "SIGKILL");
          yield batch;
        }
      },
    },
    store: () => duckStore(ctx, entity),
  });
  await ctx.resources.closeAll();
}
