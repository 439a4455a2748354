import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cleanup, hygge, hyggeSignal, memoryProject, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

const SLOW: Record<string, string> = {
  "flows/slow/flow.yml":
    "home:\n  type: memory\n  delay_ms: 20\nstore:\n  type: jsonfile\n  path: out\nentities: [big]\n",
};

describe("journal, lock and history", () => {
  test("every entity run leaves one journal record; history lists them newest first", () => {
    const dir = memoryProject();
    expect(hygge(["go"], { cwd: dir }).code).toBe(0);
    expect(hygge(["go", "--flow", "stock"], { cwd: dir }).code).toBe(0);
    const runs = path.join(dir, ".hygge", "runs");
    expect(fs.readdirSync(path.join(runs, "stock", "products"))).toHaveLength(2);
    expect(fs.readdirSync(path.join(runs, "sales", "customers"))).toHaveLength(1);
    const r = hygge(["history", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    const { records } = JSON.parse(r.stdout) as { records: { id: string; status: string; rows: number }[] };
    expect(records.map((x) => [x.id, x.status, x.rows])).toEqual(
      expect.arrayContaining([
        ["stock.products", "pass", 3],
        ["sales.customers", "pass", 5],
        ["sales.orders", "pass", 7],
      ]),
    );
    expect(records[0]!.id).toBe("stock.products");
    const filtered = hygge(["history", "sales.orders"], { cwd: dir });
    expect(filtered.stdout).toMatch(/sales\s+orders\s+PASS\s+full_drop\s+7/);
    expect(filtered.stdout).not.toContain("products");
    // A flow or entity the project does not have: exit 2, on stderr, naming what exists.
    const unknownEntity = hygge(["history", "sales.ordres"], { cwd: dir });
    expect(unknownEntity.code).toBe(2);
    expect(unknownEntity.stdout).toBe("");
    expect(unknownEntity.stderr).toContain("flow sales has no entity ordres");
    expect(unknownEntity.stderr).toContain("entities of sales: sales.customers, sales.orders");
    const unknownFlow = hygge(["history", "nope"], { cwd: dir });
    expect(unknownFlow.code).toBe(2);
    expect(unknownFlow.stdout).toBe("");
    expect(unknownFlow.stderr).toContain("nope names no flow or entity of this project");
    expect(unknownFlow.stderr).toContain("flows: sales, stock");
    // A known entity with no runs yet is not an error.
    fs.rmSync(path.join(runs, "stock"), { recursive: true });
    const none = hygge(["history", "stock.products"], { cwd: dir });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("no runs recorded for stock.products");
    // Each run's claims are released when it ends; no project-wide lock is taken.
    expect(fs.readdirSync(path.join(dir, ".hygge", "locks"))).toEqual([]);
    expect(fs.existsSync(path.join(dir, ".hygge", "lock"))).toBe(false);
  });

  test("a failed run is recorded with its error code", () => {
    const dir = memoryProject({
      ...TWO_FLOWS,
      "flows/sales/entities/orders.yml": "home:\n  fail_after_batches: 1\n",
    });
    expect(hygge(["go", "--entity", "sales.orders"], { cwd: dir }).code).toBe(1);
    const { records } = JSON.parse(hygge(["history", "--json"], { cwd: dir }).stdout) as {
      records: { status: string; error?: { code: string } }[];
    };
    expect(records[0]).toMatchObject({ status: "fail", error: { code: "HOME_READ_FAILED" } });
  });

  test("a second run of an entity another run holds is refused with a message naming the holder", async () => {
    const dir = memoryProject({ ...TWO_FLOWS, ...SLOW });
    const claim = path.join(dir, ".hygge", "locks", "slow.big.lock");
    let second: ReturnType<typeof hygge> | undefined;
    // 20 s unless stopped: still running when the second run, however slow to start, claims.
    const first = await hyggeSignal(["go", "--flow", "slow", "--var", "flow.slow.home.delay_ms=100"], {
      cwd: dir,
      signal: "SIGTERM",
      ready: () => {
        if (second || !fs.existsSync(claim)) return false;
        second = hygge(["go", "--entity", "slow.big,stock.products"], { cwd: dir });
        return true;
      },
    });
    expect(second?.code).toBe(1);
    expect(second?.stderr).toMatch(
      /\[LOCKED\] entity slow\.big is being run by another hygge process; nothing was run\n.*\.hygge\/locks\/slow\.big\.lock\n\s+slow\.big: held by pid \d+ on .*: hygge go --flow slow --var flow\.slow\.home\.delay_ms=100/,
    );
    expect(second?.stderr).toContain("To run the others now, add -e stock.products to the same command");
    expect(first.code).toBe(143);
    expect(fs.existsSync(claim)).toBe(false);
  });

  test("a claim file never holds a secret given on the command line", async () => {
    const dir = memoryProject({ ...TWO_FLOWS, ...SLOW });
    fs.appendFileSync(path.join(dir, "hygge.yml"), "connections:\n  mem:\n    type: memory\n");
    const lockFile = path.join(dir, ".hygge", "locks", "slow.big.lock");
    let content = "";
    await hyggeSignal(["go", "--flow", "slow", "--var", "connections.mem.password=TopS3cret-99"], {
      cwd: dir,
      signal: "SIGTERM",
      ready: () => {
        if (!fs.existsSync(lockFile)) return false;
        content = fs.readFileSync(lockFile, "utf8");
        return content.length > 0;
      },
    });
    expect(content).toContain("connections.mem.password=***");
    expect(content).not.toContain("TopS3cret-99");
  });

  test("a claim left by a killed run is taken over", async () => {
    const dir = memoryProject({ ...TWO_FLOWS, ...SLOW });
    const lockFile = path.join(dir, ".hygge", "locks", "slow.big.lock");
    await hyggeSignal(["go", "--flow", "slow"], {
      cwd: dir,
      signal: "SIGKILL",
      ready: () => fs.existsSync(lockFile),
    });
    expect(fs.existsSync(lockFile)).toBe(true);
    const r = hygge(["go", "--flow", "slow", "--var", "flow.slow.home.delay_ms=0"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  test("a lock left by a killed run in another container (pid 1 there) is judged by its heartbeat", () => {
    const dir = memoryProject();
    const lockFile = path.join(dir, ".hygge", "locks", "sales.customers.lock");
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    // pid 1 exists here too (init), but this lock comes from another pid namespace.
    const left = {
      pid: 1,
      host: os.hostname(),
      pidns: "pid:[1]",
      startedAt: "2026-01-01T00:00:00Z",
      command: "hygge go",
    };
    fs.writeFileSync(lockFile, JSON.stringify(left));
    const fresh = hygge(["go"], { cwd: dir });
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toMatch(/\[LOCKED\] entity sales\.customers is being run by another hygge process/);
    expect(fresh.stderr).toMatch(
      /sales\.customers: held by pid 1 on .*, started 2026-01-01T00:00:00Z: hygge go/,
    );
    expect(fresh.stderr).toMatch(/last heartbeat was [\d.]+ s ago/);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFile, old, old);
    const r = hygge(["go"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  test("--dry-run shows the watermark each incremental entity would start from", () => {
    const dir = memoryProject({
      "flows/inc/flow.yml":
        "home:\n  type: memory\nstore:\n  type: jsonfile\n  path: out\nrun_type: incremental\nwatermark:\n  watermark_column: id\n  primary_key: id\nentities: [orders]\n",
    });
    const before = hygge(["go", "--dry-run"], { cwd: dir });
    expect(before.stdout).toMatch(/inc\.orders\s+incremental\s+.*id: from the start/);
    expect(hygge(["go"], { cwd: dir }).code).toBe(0);
    const after = hygge(["go", "--dry-run", "--json"], { cwd: dir });
    const { entities } = JSON.parse(after.stdout) as {
      entities: { id: string; since?: { value: string } }[];
    };
    expect(entities[0]).toMatchObject({ id: "inc.orders", since: { value: "106" } });
  });

  test("--dry-run creates no journal and takes no lock; journal: false keeps no records", () => {
    const dir = memoryProject();
    expect(hygge(["go", "--dry-run"], { cwd: dir }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, ".hygge"))).toBe(false);
    fs.appendFileSync(path.join(dir, "hygge.yml"), "journal: false\n");
    expect(hygge(["go"], { cwd: dir }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, ".hygge", "runs"))).toBe(false);
    expect(hygge(["history"], { cwd: dir }).stderr).toContain("keeps no journal");
  });
});
