import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "@jest/globals";
import { q, sql, tempDir } from "./helpers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);
const built = existsSync(join(pkg, "dist", "write", "encode-worker.js"));

/** A parquet → parquet flow run from the build in a child process, with `env` added. */
async function flow(dir: string, out: string, env: Record<string, string>, storeOptions = "{}") {
  const script = `
    import { Registry, runFlow } from "@hygge/core";
    import plugin from ${JSON.stringify(join(pkg, "dist", "index.js"))};
    const registry = new Registry([plugin]);
    const homes = registry.home("parquet").definition;
    const stores = registry.store("parquet").definition;
    const logger = { debug(m) { console.log("debug: " + m); }, info() {}, warn() {} };
    const ctx = { flow: "w", projectDir: ${JSON.stringify(dir)}, connections: {}, resources: { get: async (_k, c) => c() }, logger };
    try {
      const report = await runFlow({
        flow: "w",
        home: await homes.create(homes.options.parse({ path: "src.parquet" }), ctx),
        store: await stores.create(stores.options.parse({ path: ${JSON.stringify(out)}, ...${storeOptions} }), ctx),
      });
      console.log("rows=" + report.rows);
    } catch (e) {
      console.log("error=" + e.code + ": " + e.message + " | hint=" + e.hint);
    }`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd: pkg,
    env: { ...process.env, ...env },
  });
  return stdout;
}

const same = async (a: string, b: string) => {
  expect(await sql(`${a} EXCEPT ALL ${b}`)).toEqual([]);
  expect(await sql(`${b} EXCEPT ALL ${a}`)).toEqual([]);
};

describe("row groups encoded in a worker thread", () => {
  (built ? it : it.skip)(
    "writes the same file from the worker as in the calling thread (HYGGE_PARQUET_ENCODE_WORKER=0), on every columnar type",
    async () => {
      const dir = await tempDir("encode-worker");
      const src = join(dir, "src.parquet");
      // Types of the columnar path, with nulls, slices that do not line up with row groups, a NaN.
      await sql(`COPY (SELECT i AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 1000)::INTEGER END AS n,
        (i % 100)::TINYINT AS tiny, (i % 60000)::USMALLINT AS us, i::UINTEGER AS ui,
        CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || (i % 300) END AS name, 'u' || i AS uniq,
        CASE WHEN i = 3 THEN 'NaN'::DOUBLE ELSE i / 3.0 END AS ratio, (i / 7)::FLOAT AS f,
        i % 3 = 0 AS flag, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 2 = 0 END AS nflag,
        DATE '2000-01-01' + (i % 5000)::INTEGER AS d, TIMESTAMP '2020-01-01' + to_microseconds(i * 997) AS ts,
        TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_microseconds(i) AS tz,
        (i % 100000 / 100)::DECIMAL(9,2) AS d9, CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 1.25)::DECIMAL(18,2) END AS d18,
        (i * 3.5)::DECIMAL(30,4) AS d30 FROM range(130000) r(i)) TO ${q(src)} (FORMAT parquet, ROW_GROUP_SIZE 50000)`);
      const threaded = await flow(dir, "out-worker", {}, "{ row_group_size: 60000 }");
      expect(threaded).toContain("rows=130000");
      expect(threaded).toContain("in a worker thread");
      const inline = await flow(
        dir,
        "out-inline",
        { HYGGE_PARQUET_ENCODE_WORKER: "0" },
        "{ row_group_size: 60000 }",
      );
      expect(inline).toContain("rows=130000");
      expect(inline).not.toContain("in a worker thread");
      const all = (out: string) => `SELECT * FROM read_parquet(${q(join(dir, out, "*.parquet"))})`;
      await same(`SELECT * FROM read_parquet(${q(src)})`, all("out-worker"));
      await same(all("out-inline"), all("out-worker"));
      // Same row groups, statistics and encodings either way.
      const meta = (out: string) =>
        sql(`SELECT row_group_id, path_in_schema, num_values::BIGINT AS n, stats_min, stats_max, stats_null_count::BIGINT AS nulls, encodings
          FROM parquet_metadata(${q(join(dir, out, "*.parquet"))}) ORDER BY ALL`);
      const worker = await meta("out-worker");
      expect(worker.length).toBe(3 * 17);
      expect(worker).toEqual(await meta("out-inline"));
    },
  );

  (built ? it : it.skip)(
    "refuses a value Parquet cannot hold with the same error and hint as in the calling thread",
    async () => {
      const dir = await tempDir("encode-worker-refused");
      // A DECIMAL(9,0) column (Parquet INT32) holding 10^12 in its 128-bit words, at row 55,000.
      const script = (path: string) => `
        import { Decimal, Field, makeData, RecordBatch, Schema, Struct } from "apache-arrow";
        import { parquetFormat } from ${JSON.stringify(join(pkg, "dist", "index.js"))};
        const type = new Decimal(0, 9, 128);
        const schema = new Schema([new Field("d", type, true)]);
        const rows = 60000;
        const words = new Uint32Array(rows * 4);
        for (let i = 0; i < rows; i++) words[i * 4] = i;
        words[55000 * 4] = 0xd4a51000; words[55000 * 4 + 1] = 0xe8; // 10^12
        const column = makeData({ type, length: rows, data: words });
        const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, children: [column] }));
        const logger = { debug(m) { console.log("debug: " + m); }, info() {}, warn() {} };
        const ctx = { signal: new AbortController().signal, flow: "w", logger };
        const writer = await parquetFormat.createWriter(${JSON.stringify(path)}, schema, parquetFormat.writeOptions.parse({ row_group_size: 60000 }), ctx);
        try {
          await writer.write(batch);
          await writer.finish();
          console.log("written");
        } catch (e) {
          await writer.abort();
          console.log("error=" + e.code + ": " + e.message + " | hint=" + e.hint);
        }`;
      const results: string[] = [];
      for (const [name, env] of [
        ["worker", {}],
        ["inline", { HYGGE_PARQUET_ENCODE_WORKER: "0" }],
      ] as const) {
        const { stdout } = await run(
          process.execPath,
          ["--input-type=module", "-e", script(join(dir, `${name}.parquet`))],
          { cwd: pkg, env: { ...process.env, ...env } },
        );
        expect(stdout.includes("in a worker thread")).toBe(name === "worker");
        results.push(stdout.split("\n").find((l) => l.startsWith("error=")) ?? stdout);
      }
      expect(results[0]).toContain("STORE_WRITE_FAILED: cannot write");
      expect(results[0]).toContain('column "d": a decimal value exceeds its precision 9');
      expect(results[0]).toContain("hint=cast the column to a type Parquet holds exactly");
      expect(results[0]!.replace("worker.parquet", "X")).toBe(results[1]!.replace("inline.parquet", "X"));
    },
  );
});

describe("a store killed while its worker thread encodes", () => {
  (built ? it : it.skip)(
    "leaves the old data complete (never part of the new file), and the next run repairs",
    async () => {
      const dir = await tempDir("encode-worker-kill");
      const rows = 400_000;
      const script = (start: number) => `
      import { Registry, runFlow } from "@hygge/core";
      import { memoryHome, sequenceBatches } from "@hygge/core/testing";
      import plugin from ${JSON.stringify(join(pkg, "dist", "index.js"))};
      const logger = { debug(m) { console.log("debug: " + m); }, info() {}, warn() {} };
      const ctx = { flow: "k", entity: "orders", projectDir: ${JSON.stringify(dir)}, connections: {}, resources: { get: async (_k, c) => c() }, logger };
      const stores = new Registry([plugin]).store("parquet").definition;
      const store = await stores.create(stores.options.parse({ path: "out", row_group_size: 100000 }), ctx);
      await runFlow({ flow: "k", entity: "orders", home: memoryHome(sequenceBatches(${rows}, 10000, ${start})), store });
      console.log("done");`;
      const spawnRun = (start: number, killOn?: string) =>
        new Promise<string>((resolve) => {
          const child = spawn(process.execPath, ["--input-type=module", "-e", script(start)], { cwd: pkg });
          let output = "";
          child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString();
            // Killed as soon as the worker thread took the file: mid-encoding, before the commit point.
            if (killOn && output.includes(killOn)) child.kill("SIGKILL");
          });
          child.on("exit", () => resolve(output));
        });
      const ids = async () =>
        (
          await sql(
            `SELECT min(id)::INT AS lo, max(id)::INT AS hi, count(*)::INT AS n FROM read_parquet(${q(join(dir, "out", "orders", "*.parquet"))})`,
          )
        )[0];
      expect(await spawnRun(0)).toContain("done");
      expect(await ids()).toEqual({ lo: 0, hi: rows - 1, n: rows });
      const killed = await spawnRun(1_000_000, "in a worker thread");
      expect(killed).toContain("in a worker thread");
      expect(killed).not.toContain("done");
      expect(await ids()).toEqual({ lo: 0, hi: rows - 1, n: rows });
      expect(await spawnRun(2_000_000)).toContain("done");
      expect(await ids()).toEqual({ lo: 2_000_000, hi: 2_000_000 + rows - 1, n: rows });
    },
  );
});
