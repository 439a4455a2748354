// The commands a new user runs in a folder where the packed tarballs were installed with npm.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const sh = (cwd, command, env = {}) => {
  const r = spawnSync("sh", ["-c", command], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

/** Writes a small project of files under `dir`. */
function project(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

/** Runs init, the command init prints, a project without mssql and (with a URL) a PostgreSQL flow. */
export function checkInstalled(app, { postgresUrl } = {}) {
  const problems = [];
  const fail = (what, r) => problems.push(`${what} (exit ${r.code}):\n${r.out}`);

  const init = sh(app, "npx hygge init demo");
  if (init.code !== 0) return [...problems, `npx hygge init demo (exit ${init.code}):\n${init.out}`];
  for (const f of [
    "hygge.yml",
    "flows/example/flow.yml",
    "data/orders/orders.parquet",
    ".hygge/schema/flow.schema.json",
  ]) {
    if (!fs.existsSync(path.join(app, "demo", f))) problems.push(`npx hygge init demo wrote no demo/${f}`);
  }
  const lines = init.out.split("\n");
  const next = lines[lines.findIndex((l) => l.startsWith("Next")) + 1]?.trim();
  if (next !== "npx hygge go --project demo") {
    problems.push(
      `npx hygge init demo should print "npx hygge go --project demo" as the next command, printed:\n${init.out}`,
    );
  }
  // The printed command, exactly as printed (README: the commands work as written).
  const go = sh(app, next ?? "npx hygge go --project demo");
  if (go.code !== 0 || !/PASS 2\s+FAIL 0\s+SKIP 0/.test(go.out))
    fail(`${next}: expected PASS 2 FAIL 0 SKIP 0`, go);
  for (const entity of ["customers", "orders"]) {
    const out = path.join(app, "demo", "out", entity);
    const parts = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith(".parquet")) : [];
    if (parts.length === 0) problems.push(`${next} wrote no Parquet file in demo/out/${entity}`);
  }

  // SQL Server without mssql installed: the run fails with the error that says what to install.
  project(path.join(app, "ms"), {
    "hygge.yml":
      "name: ms\nconnections:\n  legacy: { type: mssql, server: 127.0.0.1, port: 1, database: d, user: u, password: p }\n",
    "flows/orders/flow.yml":
      "home: { type: mssql, connection: legacy, table: dbo.orders }\nstore: { type: parquet, path: out }\nentities: [orders]\n",
  });
  const ms = sh(app, "npx hygge go --project ms");
  if (
    ms.code !== 1 ||
    !ms.out.includes('needs the "mssql" package') ||
    !ms.out.includes("npm install mssql")
  ) {
    fail(
      'npx hygge go on an mssql home without mssql installed: expected exit 1 and `needs the "mssql" package … npm install mssql`',
      ms,
    );
  }

  if (postgresUrl) {
    const table = `pack_check_${process.pid}`;
    project(path.join(app, "pg"), {
      "hygge.yml": "name: pg\nconnections:\n  warehouse: { type: postgres, url: '${PACK_CHECK_PG}' }\n",
      "flows/load/flow.yml": `home: { type: parquet, path: ../demo/data }\nstore: { type: postgres, connection: warehouse, table: "public.${table}" }\nrun_type: full_drop\nentities: [orders]\n`,
    });
    const pg = sh(app, "npx hygge go --project pg", { PACK_CHECK_PG: postgresUrl });
    if (pg.code !== 0 || !/PASS 1\s+FAIL 0/.test(pg.out))
      fail("npx hygge go: Parquet → PostgreSQL with the packed pg", pg);
    // Count the rows with the pg the install brought, then drop the table this check created.
    const count = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import pg from "pg"; const c = new pg.Client(process.env.PACK_CHECK_PG); await c.connect();
         try { const r = await c.query('SELECT count(*)::int AS n FROM public.${table}'); console.log(r.rows[0].n); }
         finally { await c.query('DROP TABLE IF EXISTS public.${table}'); await c.end(); }`,
      ],
      { cwd: app, encoding: "utf8", env: { ...process.env, PACK_CHECK_PG: postgresUrl } },
    );
    if (count.status !== 0 || count.stdout.trim() !== "12") {
      problems.push(
        `public.${table} should hold the 12 sample orders, found: ${count.stdout}${count.stderr}`,
      );
    }
  }
  return problems;
}
