import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { removeNobodyCli } from "./support/as-nobody.js";
import { duck, q } from "./support/duck.js";
import { connectionsYaml, pgUrl } from "./support/pg-side.js";
import { chownNobody, hashTree, hyggeSync } from "./support/project.js";

// Issue 13: `hygge debug` finds before a run what the run would fail on, and exits 1 when it finds
// anything. Each case is a project that `go` fails on; debug must name the problem and moves nothing.

const dirs: string[] = [];
afterAll(() => {
  removeNobodyCli();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-debug-"));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

async function parquetFile(file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = await duck();
  await db.run(`COPY (SELECT i::BIGINT AS id FROM range(10) t(i)) TO ${q(file)} (FORMAT parquet)`);
  db.close();
}

const flow = (home: string, store = "{ type: parquet, path: ./out }", entities = "[orders]") =>
  `home: ${home}\nstore: ${store}\nentities: ${entities}\n`;

describe("hygge debug on file projects", () => {
  let dir = "";
  beforeAll(async () => {
    dir = project({
      "hygge.yml": "name: d\nplugins: [parquet]\n",
      "flows/good/flow.yml": flow("{ type: parquet, path: ./src }"),
      "flows/missing/flow.yml": flow("{ type: parquet, path: ./nope }"),
    });
    await parquetFile(path.join(dir, "src", "orders", "part-0.parquet"));
  });

  it("a source folder that does not exist is a problem: exit 1, the path named with a hint", () => {
    const r = hyggeSync(["debug"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ missing\.orders home: .*nope\/orders does not exist/);
    expect(r.stdout).toContain("hint: check `path`");
    expect(r.stdout).toContain("1 problem found");
    expect(r.stdout).toContain("✓ good.orders home: ");
  });

  it("--flow and --entity check only the selected entities; --var applies as for go", () => {
    const good = hyggeSync(["debug", "--flow", "good"], { cwd: dir });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("configuration valid: 1 entity");
    expect(good.stdout).not.toContain("missing.orders");
    expect(good.stdout).toContain("no problems found");
    expect(hyggeSync(["debug", "-e", "missing.orders"], { cwd: dir }).code).toBe(1);
    const fixed = hyggeSync(["debug", "-f", "missing", "--var", "flow.missing.home.path=./src"], {
      cwd: dir,
    });
    expect(fixed.stdout).toContain("no problems found");
    expect(fixed.code).toBe(0);
  });

  it("a full_drop into a folder holding files hygge did not write is found before the run", () => {
    const foreign = path.join(dir, "out", "orders");
    fs.mkdirSync(foreign, { recursive: true });
    fs.writeFileSync(path.join(foreign, "notes.txt"), "mine");
    const before = hashTree(path.join(dir, "out"));
    const r = hyggeSync(["debug", "-f", "good"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ good\.orders store: .*hygge did not publish \(notes\.txt\)/);
    expect(r.stdout).toContain("replace_existing: true");
    expect(hashTree(path.join(dir, "out"))).toBe(before);
    const allowed = hyggeSync(["debug", "-f", "good", "--var", "flow.good.store.replace_existing=true"], {
      cwd: dir,
    });
    expect(allowed.code).toBe(0);
    fs.rmSync(path.join(dir, "out"), { recursive: true });
  });

  it("a destination the user cannot write is found (run as nobody); the folder stays as it was", () => {
    const ro = project({
      "hygge.yml": "name: d\nplugins: [parquet]\n",
      "flows/good/flow.yml": flow("{ type: parquet, path: ./src }", "{ type: parquet, path: ./locked/out }"),
    });
    fs.cpSync(path.join(dir, "src"), path.join(ro, "src"), { recursive: true });
    fs.mkdirSync(path.join(ro, "locked"));
    chownNobody(ro);
    fs.chownSync(path.join(ro, "locked"), 0, 0);
    fs.chmodSync(path.join(ro, "locked"), 0o755);
    const r = hyggeSync(["debug"], { cwd: ro, asNobody: true });
    expect(r.stdout).toMatch(/✗ good\.orders store: .*cannot write .*locked \(permission denied/);
    expect(r.code).toBe(1);
    expect(fs.readdirSync(path.join(ro, "locked"))).toEqual([]);
    // The same project as root (who may write there) has nothing to report.
    expect(hyggeSync(["debug"], { cwd: ro }).code).toBe(0);
    expect(fs.readdirSync(path.join(ro, "locked"))).toEqual([]);
  });
});

const withPg = pgUrl ? describe : describe.skip;
withPg("hygge debug on PostgreSQL homes (HYGGE_TEST_POSTGRES_URL)", () => {
  const schema = `hygge_debug_${process.pid}`;
  let client: pg.Client;
  let dir = "";
  beforeAll(async () => {
    client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.ok (id bigint); INSERT INTO ${schema}.ok VALUES (1);
      CREATE TABLE ${schema}.ranges (id bigint, span int4range)`);
    const home = (rest: string) => `{ type: postgres, connection: wh, ${rest} }`;
    dir = project({
      "hygge.yml": `name: d\nplugins: [sql, parquet]\n${connectionsYaml(pgUrl!)}`,
      "flows/ok/flow.yml": flow(home(`table: ${schema}.ok`), undefined, "[ok]"),
      "flows/typo/flow.yml": flow(home('query: "SELEC id FROM t"'), undefined, "[typo]"),
      "flows/ranges/flow.yml": flow(home(`table: ${schema}.ranges`), undefined, "[ranges]"),
      "flows/absent/flow.yml": flow(home(`table: ${schema}.absent`), undefined, "[absent]"),
    });
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it("a query with a syntax error, an unreadable column type and a missing table: each named, exit 1", () => {
    const r = hyggeSync(["debug"], { cwd: dir, env: { HYGGE_FAULT_PGPASSWORD: new URL(pgUrl!).password } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ typo\.typo home: .*syntax error at or near/);
    expect(r.stdout).toContain("hint: Fix the SQL of `query:`");
    expect(r.stdout).toMatch(/✗ ranges\.ranges home: .*column "span" has PostgreSQL type int4range/);
    expect(r.stdout).toContain("hint: Cast it in a query");
    expect(r.stdout).toMatch(/✗ absent\.absent home: .*absent: table not found/);
    expect(r.stdout).not.toMatch(/✗ ok\.ok/);
    expect(r.stdout).toContain("3 problems found");
    // Nothing was written: no output folder.
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });
});
