import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, test } from "@jest/globals";
import { BIN, cleanup, hygge, testdir } from "./helpers.js";

// A PostgreSQL home's row estimate (statistics, not a count) reaching the progress a user sees.
const url = process.env.HYGGE_TEST_POSTGRES_URL;
const hasPsql = spawnSync("psql", ["--version"]).status === 0;
const hasScript = spawnSync("script", ["--version"]).status === 0;
const run = url && hasPsql ? describe : describe.skip;

const psql = (sql: string): string => {
  const r = spawnSync("psql", [url!, "-XAtc", sql], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};
const table = `cli_estimate_${process.pid}`;

function project(): string {
  const u = new URL(url!);
  return testdir({
    "hygge.yml": [
      "name: estimate",
      "plugins: [sql, parquet]",
      "connections:",
      "  warehouse:",
      "    type: postgres",
      `    host: ${u.hostname}`,
      `    port: ${u.port || 5432}`,
      `    database: ${u.pathname.slice(1)}`,
      `    user: ${decodeURIComponent(u.username) || "postgres"}`,
      ...(u.password ? [`    password: ${decodeURIComponent(u.password)}`] : []),
      "",
    ].join("\n"),
    "flows/pg/flow.yml": `home:\n  type: postgres\n  connection: warehouse\n  table: public.${table}\n  batch_size: 500\nstore:\n  type: parquet\n  path: out\nentities: [orders]\n`,
  });
}

run("a PostgreSQL home's row estimate in `hygge go`", () => {
  afterAll(() => {
    psql(`DROP TABLE IF EXISTS public.${table}`);
    cleanup();
  });

  test("the estimate is the table's statistics: announced at the start, a bar on a terminal", () => {
    psql(
      `DROP TABLE IF EXISTS public.${table}; CREATE TABLE public.${table} AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 3000) g; ANALYZE public.${table}`,
    );
    // Rows added after ANALYZE (below autovacuum's threshold): the estimate does not see them.
    psql(`INSERT INTO public.${table} SELECT g, 'late' FROM generate_series(3001, 3040) g`);
    expect(psql(`SELECT reltuples::bigint FROM pg_class WHERE oid = 'public.${table}'::regclass`)).toBe(
      "3000",
    );
    const dir = project();
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pg\.orders: started, about 3,000 rows\n/);
    expect(r.stdout).toMatch(/pg\s+orders\s+PASS\s+3,040/);

    if (!hasScript) return; // the bar needs a terminal (terminal.test.ts covers its absence)
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm" };
    delete env.NO_COLOR;
    const tty = spawnSync(
      "script",
      ["-qec", `stty cols 100 rows 40; ${process.execPath} ${BIN} go`, "/dev/null"],
      {
        cwd: dir,
        env,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(tty.status).toBe(0);
    const text = tty.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g"), "");
    expect(text).toMatch(/⠿ pg\.orders\s+█*░*\s+\d+%/);
  });
});
