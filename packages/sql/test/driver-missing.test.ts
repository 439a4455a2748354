import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "@jest/globals";
import { postgresServers } from "./servers.js";

// `mssql` is an optional peer dependency: a PostgreSQL user does not install it. This builds the
// layout such a user has (the built @hygge/sql next to its dependencies, no mssql anywhere up the
// tree) and uses the plugin from a separate Node process, as the CLI would.

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const install = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-sql-no-mssql-"));
afterAll(() => fs.rmSync(install, { recursive: true, force: true }));

const modules = path.join(install, "node_modules");
fs.mkdirSync(path.join(modules, "@hygge", "sql"), { recursive: true });
fs.cpSync(path.join(PACKAGE, "package.json"), path.join(modules, "@hygge", "sql", "package.json"));
fs.cpSync(path.join(PACKAGE, "dist"), path.join(modules, "@hygge", "sql", "dist"), { recursive: true });
const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE, "package.json"), "utf8"));
for (const dep of [...Object.keys(manifest.dependencies), "@hygge/core"]) {
  // pnpm links every dependency of the package into its own node_modules.
  const from = fs.realpathSync(path.join(PACKAGE, "node_modules", dep));
  fs.mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
  fs.symlinkSync(from, path.join(modules, dep), "dir");
}

const SCRIPT = `
import { RunResources, silentLogger } from "@hygge/core";
import plugin from "@hygge/sql";
const [type, options, source] = JSON.parse(process.argv[2]);
const resources = new RunResources();
const ctx = { flow: "f", entity: "orders", projectDir: process.cwd(), resources, logger: silentLogger,
  connections: { db: { name: "db", type, options } } };
const home = plugin.homes[type].create(plugin.homes[type].options.parse({ connection: "db", ...source }), ctx);
const out = {};
try {
  out.fields = (await home.schema({})).fields.map((f) => f.name);
} catch (e) {
  out.error = { code: e.code, message: e.message, hint: e.hint };
}
out.check = await home.check();
await resources.closeAll();
console.log(JSON.stringify(out));
process.exit(0);
`;
fs.writeFileSync(path.join(install, "use.mjs"), SCRIPT);

function use(type: string, options: object, source: object) {
  const r = spawnSync(process.execPath, ["use.mjs", JSON.stringify([type, options, source])], {
    cwd: install,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(r.stderr).toBe("");
  return { ...JSON.parse(r.stdout), stdout: r.stdout };
}

describe("@hygge/sql installed without mssql (an optional peer dependency)", () => {
  it("mssql is really absent from that install", () => {
    const resolve = (name: string) =>
      spawnSync(process.execPath, ["-e", `require.resolve(${JSON.stringify(name)})`], {
        cwd: path.join(modules, "@hygge", "sql", "dist"),
        encoding: "utf8",
      });
    for (const name of ["mssql", "tedious"]) {
      const r = resolve(name);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`Cannot find module '${name}'`);
    }
    expect(resolve("pg").status).toBe(0);
  });

  it("a SQL Server home fails on first use with PLUGIN_NOT_FOUND naming the package to install", () => {
    const r = use(
      "mssql",
      { server: "127.0.0.1", port: 1, database: "d", user: "sa", password: "hunter33" },
      { table: "dbo.orders" },
    );
    expect(r.error).toEqual({
      code: "PLUGIN_NOT_FOUND",
      message: 'type: mssql needs the "mssql" package, which could not be loaded',
      hint: "Install it next to @hygge/sql: npm install mssql",
    });
    // What `hygge debug` shows: the same message and hint, for the connection.
    expect(r.check).toEqual([
      {
        ok: false,
        subject: "db (mssql sa@127.0.0.1:1/d)",
        message: 'type: mssql needs the "mssql" package, which could not be loaded',
        hint: "Install it next to @hygge/sql: npm install mssql",
      },
    ]);
    expect(r.stdout).not.toContain("hunter33");
  });

  const [server] = postgresServers();
  (server ? it : it.skip)(
    `a PostgreSQL home works in the same install (${server?.label ?? "no PostgreSQL server configured"})`,
    () => {
      const u = new URL(server!.url);
      const r = use(
        "postgres",
        {
          host: u.hostname,
          port: Number(u.port || 5432),
          database: decodeURIComponent(u.pathname.slice(1)),
          user: decodeURIComponent(u.username),
          ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
        },
        { query: "SELECT 1::int AS answer, 'x'::text AS label" },
      );
      expect(r.error).toBeUndefined();
      expect(r.fields).toEqual(["answer", "label"]);
      expect(r.check[0]).toMatchObject({ ok: true, message: "connection answers" });
    },
  );
});
