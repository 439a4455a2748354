import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runFlow } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { makeHome, makeStore, q, sql, tempDir } from "./helpers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

const same = async (a: string, b: string) => {
  expect(await sql(`${a} EXCEPT ALL ${b}`)).toEqual([]);
  expect(await sql(`${b} EXCEPT ALL ${a}`)).toEqual([]);
};

describe("large row groups and the worker-thread decoder", () => {
  it("splits a 150k-row group into many pages per column, with nulls and with and without dictionaries", async () => {
    const dir = await tempDir("pages");
    const src = join(dir, "src.parquet");
    await sql(`COPY (SELECT i AS id, CASE WHEN i % 11 = 0 THEN NULL ELSE 'distinct value ' || i END AS plain_text,
      CASE WHEN i % 13 = 0 THEN NULL ELSE 'k' || (i % 50) END AS dict_text, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1.5::DOUBLE END AS amount,
      i % 2 = 0 AS flag, (i % 1000)::DECIMAL(9,2) AS d9, i::DECIMAL(18,3) AS d18 FROM range(150000) r(i)) TO ${q(src)} (FORMAT parquet)`);
    for (const dictionary of [true, false]) {
      const out = join(dir, `out-${dictionary}`);
      await runFlow({
        flow: "pages",
        home: makeHome(dir, undefined, { path: "src.parquet" }),
        store: makeStore(dir, undefined, { path: `out-${dictionary}`, row_group_size: 150000, dictionary }),
      });
      const pages = await sql(
        `SELECT path_in_schema AS col, count(*)::INT AS n, min(encodings) AS enc FROM parquet_metadata(${q(join(out, "*.parquet"))}) GROUP BY ALL`,
      );
      expect(pages.length).toBe(7);
      const text = await sql(
        `SELECT encodings FROM parquet_metadata(${q(join(out, "*.parquet"))}) WHERE path_in_schema = 'dict_text'`,
      );
      expect(String(text[0]?.encodings)).toContain(dictionary ? "RLE_DICTIONARY" : "PLAIN");
      await same(
        `SELECT * FROM read_parquet(${q(src)})`,
        `SELECT * FROM read_parquet(${q(join(out, "*.parquet"))})`,
      );
      const [stats] =
        await sql(`SELECT stats_min_value AS lo, stats_max_value AS hi, stats_null_count::INT AS nulls
        FROM parquet_metadata(${q(join(out, "*.parquet"))}) WHERE path_in_schema = 'amount'`);
      expect(stats).toEqual({ lo: "1.5", hi: "224998.5", nulls: 50000 });
    }
  });

  const dist = join(pkg, "dist", "read", "decode-worker.js");
  (existsSync(dist) ? it : it.skip)(
    "decodes in a worker thread when run from the build, with the same result",
    async () => {
      const dir = await tempDir("worker");
      const src = join(dir, "src");
      await sql(`COPY (SELECT i AS id, [i, NULL] AS l, {'a': i, 'b': 'x' || i} AS s, 'n' || (i % 7) AS name,
      (i / 7)::DECIMAL(38,10) AS big, (i * 1.5) AS wide_dec FROM range(120000) r(i)) TO ${q(join(dir, "src.parquet"))} (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
      const script = `
      import { Registry, runFlow } from "@hygge/core";
      import plugin from ${JSON.stringify(join(pkg, "dist", "index.js"))};
      const homes = new Registry([plugin]).home("parquet").definition;
      const stores = new Registry([plugin]).store("parquet").definition;
      const ctx = { flow: "w", projectDir: ${JSON.stringify(dir)}, connections: {}, resources: { get: async (_k, c) => c() }, logger: { debug() {}, info() {}, warn() {} } };
      const home = await homes.create(homes.options.parse({ path: "src.parquet" }), ctx);
      const { RowGroupDecoder } = await import(${JSON.stringify(join(pkg, "dist", "read", "row-groups.js"))});
      const probe = new RowGroupDecoder((await home.schema({ signal: new AbortController().signal, flow: "w", runType: "full_drop" })), undefined);
      console.log("threaded=" + probe.threaded);
      await probe.close();
      const store = await stores.create(stores.options.parse({ path: "out" }), ctx);
      const report = await runFlow({ flow: "w", home, store });
      console.log("rows=" + report.rows);`;
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: pkg });
      expect(stdout).toContain("threaded=true");
      expect(stdout).toContain("rows=120000");
      await same(
        `SELECT * FROM read_parquet(${q(join(dir, "src.parquet"))})`,
        `SELECT * FROM read_parquet(${q(join(dir, "out", "*.parquet"))})`,
      );
      void src;
    },
  );
});
