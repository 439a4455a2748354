import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type HyggeError, runFlow } from "@hygge/core";
import { memoryHome, sequenceBatches } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { duckStore, rows, storeContext, tempProject, withConnection } from "./store-helpers.js";

const child = fileURLToPath(new URL("./store-child.ts", import.meta.url));

/** Everything a reader of the file sees for `entity`: its rows, its state row, any staging table. */
async function snapshot(dir: string, entity: string) {
  const ctx = storeContext(dir, "crash");
  try {
    return await withConnection(ctx, async (c) => ({
      ids: (await rows(c, `SELECT count(*)::INTEGER AS n, sum(id)::VARCHAR AS s FROM raw.${entity}`))[0],
      state: await rows(
        c,
        `SELECT run_id, watermark::VARCHAR AS w FROM raw.hygge_state WHERE entity = '${entity}'`,
      ),
      tables: await rows(c, "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL"),
    }));
  } finally {
    await ctx.resources.closeAll();
  }
}

async function seed(dir: string, entity: string) {
  const ctx = storeContext(dir, "crash");
  await runFlow({
    flow: "crash",
    entity,
    home: memoryHome(sequenceBatches(25, 10)),
    store: () => duckStore(ctx, entity),
    watermark: { column: "id", primaryKey: ["id"] },
  });
  await ctx.resources.closeAll();
}

describe("DuckDB store: a killed process", () => {
  it.each([
    ["full_drop", "mid-write", "1"],
    ["full_drop", "mid-write", "30"],
    ["incremental", "mid-write", "30"],
    ["merge", "mid-write", "30"],
    ["full_drop", "duckdb:before-commit", "1000"],
    ["incremental", "duckdb:before-commit", "1000"],
  ])(
    "%s killed %s (after %s batches) leaves the database as before; the next run succeeds",
    async (runType, at, after) => {
      const dir = tempProject();
      const entity = "killed";
      await seed(dir, entity);
      const before = await snapshot(dir, entity);
      const killed = spawnSync(
        process.execPath,
        ["--import", "tsx", child, "load", dir, entity, runType, after],
        {
          encoding: "utf8",
          env: { ...process.env, ...(at === "mid-write" ? {} : { HYGGE_FAULT_KILL_AT: at }) },
        },
      );
      expect([killed.signal, killed.stderr.slice(0, 500)]).toEqual(["SIGKILL", ""]);
      expect(await snapshot(dir, entity)).toEqual(before);
      const ctx = storeContext(dir, "crash");
      const report = await runFlow({
        flow: "crash",
        entity,
        home: memoryHome(sequenceBatches(3, 3, 100)),
        store: () => duckStore(ctx, entity),
      });
      expect(report.rows).toBe(3);
      expect(
        await withConnection(ctx, (c) => rows(c, `SELECT id::INTEGER AS id FROM raw.${entity} ORDER BY id`)),
      ).toEqual([{ id: 100 }, { id: 101 }, { id: 102 }]);
      await ctx.resources.closeAll();
    },
  );

  it("a database file held by another process gives a clear error naming the file", async () => {
    const dir = tempProject();
    await seed(dir, "locked");
    const holder: ChildProcess = spawn(process.execPath, ["--import", "tsx", child, "hold", dir], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
        holder.on("exit", (code) => reject(new Error(`holder exited (${code})`)));
      });
      const ctx = storeContext(dir, "crash");
      const error = (await runFlow({
        flow: "crash",
        entity: "locked",
        home: memoryHome(sequenceBatches(3, 3)),
        store: () => duckStore(ctx, "locked"),
      }).catch((e: unknown) => e)) as HyggeError;
      await ctx.resources.closeAll();
      expect(error.code).toBe("STORE_WRITE_FAILED");
      expect(error.message).toContain(`${dir}/warehouse.duckdb is locked by another process`);
      expect(error.hint).toMatch(/one process write a database file at a time/);
    } finally {
      holder.stdin!.end();
      await new Promise((resolve) => holder.on("exit", resolve));
    }
    expect((await snapshot(dir, "locked")).ids).toEqual({ n: 25, s: "300" });
  });
});
