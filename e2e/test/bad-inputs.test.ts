import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { removeNobodyCli } from "./support/as-nobody.js";
import { addParquet, type Case, cases, FLOW, mounts, writeFlow } from "./support/bad-input-cases.js";
import { duck, q } from "./support/duck.js";
import { connectionsYaml, pgUrl } from "./support/pg-side.js";
import { chownNobody, hashTree, hyggeSignal, hyggeSync, tmpProject } from "./support/project.js";

// The catalogue of bad inputs (issue 6); the cases are in support/bad-input-cases.ts.

let base = "";
const dirs: string[] = [];

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "hygge-bad-base-"));
  fs.writeFileSync(path.join(base, "hygge.yml"), "name: bad\nplugins: [parquet]\n");
  fs.mkdirSync(path.join(base, "flows", "copy"), { recursive: true });
  fs.writeFileSync(path.join(base, "flows", "copy", "flow.yml"), FLOW);
  const db = await duck();
  for (const entity of ["alpha", "beta"]) {
    fs.mkdirSync(path.join(base, "src", entity), { recursive: true });
    await db.run(
      `COPY (SELECT i::BIGINT AS id, (1000 + i)::BIGINT AS ts, 'row-' || i AS payload, i % 2 = 0 AS flag FROM range(1000) t(i))
         TO ${q(path.join(base, "src", entity, "part-0.parquet"))} (FORMAT parquet)`,
    );
  }
  db.close();
  const first = hyggeSync(["go"], { cwd: base });
  if (first.code !== 0) throw new Error(`base project failed:\n${first.all}`);
});

afterAll(() => {
  removeNobodyCli();
  for (const m of mounts) spawnSync("umount", [m]);
  for (const d of [base, ...dirs]) fs.rmSync(d, { recursive: true, force: true });
});

async function runCaseAsync(c: Case) {
  const dir = tmpProject(base);
  dirs.push(dir);
  const result = await c.setup?.(dir);
  const extra: string[] = Array.isArray(result) ? result : [];
  if (c.asNobody && !c.keepOwners) chownNobody(dir);
  // The failing entity's published data (other entities may legitimately succeed and republish).
  const out = path.join(dir, "out", "alpha");
  const before = hashTree(out);
  const fileSizeLimit = extra[0] === "--fsize" ? extra.splice(0, 2)[1] : undefined;
  const run = hyggeSync(["go", ...(c.args ?? []), ...extra], {
    cwd: dir,
    asNobody: c.asNobody,
    fileSizeLimit,
  });
  return { run, before, after: hashTree(out), dir };
}

describe("bad inputs: clear errors, right exit codes, destination unchanged", () => {
  for (const c of cases) {
    (c.skip ? it.skip : it)(c.name, async () => {
      const { run, before, after } = await runCaseAsync(c);
      const context = `${c.name}\n--- output ---\n${run.all}`;
      expect({ context, code: run.code }).toEqual({ context, code: c.code });
      for (const re of c.says)
        expect({ context, matches: re.test(run.all) }).toEqual({ context, matches: true });
      for (const secret of c.never ?? []) expect(run.all).not.toContain(secret);
      expect({ context, unchanged: after === before }).toEqual({ context, unchanged: true });
    });
  }

  it("an empty source folder loads zero rows and says so", async () => {
    const dir = tmpProject(base);
    dirs.push(dir);
    for (const f of fs.readdirSync(path.join(dir, "src", "alpha")))
      fs.rmSync(path.join(dir, "src", "alpha", f));
    const run = hyggeSync(["go", "--json"], { cwd: dir });
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { flows: { id: string; rows: number }[] };
    expect(summary.flows.find((f) => f.id === "copy.alpha")?.rows).toBe(0);
    expect(
      fs
        .readdirSync(path.join(dir, "out", "alpha"))
        .filter((f) => f.endsWith(".parquet") && !f.startsWith(".")).length,
    ).toBeLessThanOrEqual(1);
  });

  it("SIGTERM mid-run exits 143 and leaves the destination unchanged", async () => {
    const dir = tmpProject(base);
    dirs.push(dir);
    await addParquet(
      path.join(dir, "src", "alpha", "part-1.parquet"),
      "SELECT i::BIGINT AS id, (1000 + i)::BIGINT AS ts, 'row-' || i AS payload, i % 2 = 0 AS flag FROM range(1000, 3000000) t(i)",
    );
    const before = hashTree(path.join(dir, "out", "alpha"));
    const run = await hyggeSignal(["go", "--verbose"], dir, "SIGTERM", /copy\.alpha: started/);
    expect(run.code).toBe(143);
    expect(run.all).toMatch(/SIGTERM/);
    expect(hashTree(path.join(dir, "out", "alpha"))).toBe(before);
  });

  it("two runs at once: the second is refused, naming the first", async () => {
    const dir = tmpProject(base);
    dirs.push(dir);
    await addParquet(
      path.join(dir, "src", "alpha", "part-1.parquet"),
      "SELECT i::BIGINT AS id, (1000 + i)::BIGINT AS ts, 'row-' || i AS payload, i % 2 = 0 AS flag FROM range(1000, 3000000) t(i)",
    );
    // The second run starts while the first one holds its claim on copy.alpha, and the first is
    // only stopped once the second has answered.
    const lockFile = path.join(dir, ".hygge", "locks", "copy.alpha.lock");
    let second: ReturnType<typeof hyggeSync> | undefined;
    await hyggeSignal(["go", "--verbose"], dir, "SIGTERM", () => {
      if (second || !fs.existsSync(lockFile)) return false;
      second = hyggeSync(["go"], { cwd: dir });
      return true;
    });
    if (!second) throw new Error("the first run never held its claim");
    expect(second.code).toBe(1);
    expect(second.all).toMatch(
      /LOCKED\][^\n]* being run by another hygge process; nothing was run\n[\s\S]*copy\.alpha: held by pid \d+/,
    );
  });

  (pgUrl ? it : it.skip)("identifiers from config cannot inject SQL", async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    const schema = `hygge_inject_${process.pid}`;
    await client.query(
      `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.important (x int); INSERT INTO ${schema}.important VALUES (1)`,
    );
    try {
      const dir = tmpProject(base);
      dirs.push(dir);
      fs.writeFileSync(
        path.join(dir, "hygge.yml"),
        `name: bad\nplugins: [parquet, sql]\n${connectionsYaml(pgUrl!)}`,
      );
      writeFlow(
        dir,
        `home: { type: parquet, path: ./src }\nstore: { type: postgres, connection: wh, table: '${schema}.x"; DROP TABLE ${schema}.important; --' }\nentities: [alpha]\n`,
      );
      hyggeSync(["go"], { cwd: dir });
      const r = await client.query(`SELECT count(*)::int AS n FROM ${schema}.important`);
      expect(r.rows[0].n).toBe(1);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
