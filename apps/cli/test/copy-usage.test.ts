import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { CLI_DIR, hygge, REPO } from "./helpers.js";

// What `hygge copy` refuses before it opens anything: exit 2, a USAGE (or PLUGIN_NOT_FOUND)
// error, a hint listing the forms it accepts, and never a password.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-copy-usage-"));
const SAMPLE = path.join(REPO, "samples/quickstart/data/customers");
const SECRET = "Hunter2/p4ss"; // percent-encoded in the URL: neither form may be printed
const PG = `postgres://reader:${encodeURIComponent(SECRET)}@db.example.invalid:5432/shop`;
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const copy = (args: string[], cwd = work) => hygge(["copy", ...args, "--json"], { cwd });

/** Runs a copy expected to be refused; returns its error object. */
function refused(args: string[], code = "USAGE") {
  const r = copy(args);
  expect(r.code).toBe(2);
  expect(r.all).not.toContain(SECRET);
  expect(r.all).not.toContain(encodeURIComponent(SECRET));
  const error = JSON.parse(r.stdout).error;
  expect(error.code).toBe(code);
  expect(r.stderr).toContain(`error [${code}]`);
  return error as { message: string; hint: string };
}

describe("hygge copy: usage errors", () => {
  test("an unknown scheme: the hint lists every accepted form", () => {
    const e = refused(["ftp://files.example.com/orders", "out/"]);
    expect(e.message).toBe("from: unknown scheme ftp://");
    for (const form of ["postgres://", "mssql://", "duckdb:", "s3://", "az://", "abfss://", "data/orders"])
      expect(e.hint).toContain(form);
  });

  test("a database URL without ?table=, or with both table and query", () => {
    const e = refused([PG, "out/"]);
    expect(e.message).toContain("names no table: add ?table=schema.table (or ?query=select …)");
    expect(e.message).toContain("postgres://reader:***@db.example.invalid:5432/shop");
    const to = refused([SAMPLE, `mssql://sa:${encodeURIComponent(SECRET)}@sql.example.invalid/erp`]);
    expect(to.message).toContain("names no table: add ?table=");
    // A URL without a password is shown as typed.
    const open = refused(["postgresql://reader@db.example.invalid/shop", "out/"]);
    expect(open.message).toContain("from postgresql://reader@db.example.invalid/shop names no table");
    const both = refused([`${PG}?table=sales.orders&query=select%201`, "out/"]);
    expect(both.message).toContain("give ?table= or ?query=, not both");
  });

  test("a bad option inside the URL is named as the URL's, not as a config key", () => {
    const e = refused([`${PG}?table=sales.orders&sslmode=prefer`, "out/"]);
    expect(e.message).toMatch(/^from URL: url sslmode must be one of disable, require/);
    expect(e.message).not.toContain("unknown connection");
  });

  test("passwords written without percent-encoding: an @ is masked, a / makes no valid URL and is never echoed", () => {
    const at = copy(["postgres://reader:p@ss@db.example.invalid:5432/shop?table=t", "out/", "--dry-run"]);
    expect(at.all).not.toContain("p@ss");
    expect(at.all).not.toContain("ss@db");
    const slash = refused([`postgres://reader:${SECRET}@db.example.invalid:5432/shop?table=t`, "out/"]);
    expect(slash.message).toBe("from postgres://… is not a valid URL");
    expect(slash.hint).toContain("Percent-encode special characters");
  });

  test("a source that does not exist; an unknown --format; --format for a table", () => {
    expect(refused([path.join(work, "nowhere"), "out/"]).message).toContain("no such file or folder");
    expect(refused([SAMPLE, "out/", "--format", "xlsx"]).message).toBe("--format xlsx: unknown file format");
    expect(refused([SAMPLE, `${PG}?table=x`, "--format", "csv"]).message).toBe(
      "--format applies to file destinations",
    );
    expect(refused([SAMPLE, "out/", "--run-type", "merge"]).message).toBe(
      "--run-type merge needs --primary-key",
    );
  });

  test("file copies keep their name; one file goes to a table, not to files", () => {
    const e = refused([SAMPLE, path.join(work, "out", "clients")]);
    expect(e.message).toBe(
      'a file copy keeps its name: the source is "customers", the destination folder "clients"',
    );
    expect(e.hint).toContain("end it with /");
    const one = refused([path.join(SAMPLE, "customers.parquet"), "out/"]);
    expect(one.message).toContain("is one file: a copy to files reads a folder or a glob");
    expect(refused([SAMPLE, "out/customers.parquet"]).message).toContain("names a file");
  });

  test("the state folder may not live inside the destination (a full_drop replaces it)", () => {
    const e = refused([SAMPLE, "out/customers", "--state", "out/customers/state"]);
    expect(e.message).toContain("is inside the destination");
    expect(fs.existsSync(path.join(work, "out"))).toBe(false);
  });
});

describe("hygge copy: a plugin that is not installed", () => {
  // The built CLI, installed beside every dependency it has except @hygge/sql.
  const install = path.join(work, "install");
  beforeAll(() => {
    fs.mkdirSync(path.join(install, "node_modules", "@hygge"), { recursive: true });
    fs.cpSync(path.join(CLI_DIR, "dist"), path.join(install, "dist"), { recursive: true });
    fs.copyFileSync(path.join(CLI_DIR, "package.json"), path.join(install, "package.json"));
    const modules = path.join(CLI_DIR, "node_modules");
    for (const name of fs.readdirSync(modules)) {
      if (name === "@hygge") continue;
      fs.symlinkSync(fs.realpathSync(path.join(modules, name)), path.join(install, "node_modules", name));
    }
    for (const name of fs.readdirSync(path.join(modules, "@hygge"))) {
      if (name === "sql") continue;
      fs.symlinkSync(
        fs.realpathSync(path.join(modules, "@hygge", name)),
        path.join(install, "node_modules", "@hygge", name),
      );
    }
  });

  test("postgres:// without @hygge/sql: PLUGIN_NOT_FOUND, what to install, exit 2", () => {
    const r = spawnSync(
      process.execPath,
      [path.join(install, "dist", "bin.js"), "copy", `${PG}?table=sales.orders`, "out/", "--json"],
      { cwd: work, encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain(encodeURIComponent(SECRET));
    const error = JSON.parse(r.stdout).error;
    expect(error.code).toBe("PLUGIN_NOT_FOUND");
    expect(error.message).toContain("this copy needs @hygge/sql");
    expect(error.hint).toContain("npm install @hygge/sql");
    expect(error.hint).toContain("postgres://");
    // The same install copies files with what it has.
    const ok = spawnSync(
      process.execPath,
      [path.join(install, "dist", "bin.js"), "copy", SAMPLE, "ok/", "-q"],
      {
        cwd: work,
        encoding: "utf8",
      },
    );
    expect(ok.status).toBe(0);
    expect(fs.readdirSync(path.join(work, "ok", "customers")).some((f) => f.endsWith(".parquet"))).toBe(true);
  });
});
