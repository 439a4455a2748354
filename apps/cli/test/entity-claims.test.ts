import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, test } from "@jest/globals";
import { BIN, cleanup, hygge, memoryProject, type Result, readJson, TWO_FLOWS } from "./helpers.js";

afterAll(cleanup);

// Issue 13: two flows of one project run at the same time; one entity never runs twice at once.

/**
 * `slow.big`: 200 batches of 1000 rows, 40 ms each (8 s: still running when a second `hygge`, slow
 * to start on a busy machine, claims), into jsonfile `out/big.json`.
 */
const SLOW: Record<string, string> = {
  "flows/slow/flow.yml":
    "home:\n  type: memory\n  delay_ms: 40\nstore:\n  type: jsonfile\n  path: out\nentities: [big]\n",
};

/**
 * Memory homes into a real file store (parquet, local publisher with staging and intent); `a.big`
 * takes 10 s (200 batches, 50 ms each), files of 20 000 rows.
 */
const LAKE: Record<string, string> = {
  "hygge.yml": "name: demo\nplugins:\n  - PLUGIN\n  - parquet\n",
  "flows/a/flow.yml":
    "home:\n  type: memory\n  delay_ms: 50\nstore:\n  type: parquet\n  path: lake\n  max_rows_per_file: 20000\nentities: [big]\n",
  "flows/b/flow.yml": "home:\n  type: memory\nstore:\n  type: parquet\n  path: lake\nentities: [products]\n",
  "flows/inc/flow.yml":
    "home:\n  type: memory\nstore:\n  type: parquet\n  path: lake\nrun_type: incremental\nwatermark:\n  watermark_column: id\nentities: [orders]\n",
};

const claimOf = (dir: string, id: string) => path.join(dir, ".hygge", "locks", `${id}.lock`);
const claimsLeft = (dir: string) =>
  fs.readdirSync(path.join(dir, ".hygge", "locks")).filter((f) => !f.startsWith("."));
const stagingOf = (book: string) => fs.readdirSync(book).filter((f) => f.startsWith("staging-"));

/** Every file under `dir`, relative, sorted. */
const filesUnder = (dir: string): string[] =>
  (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();

async function parquetIds(
  folder: string,
): Promise<{ rows: number; distinct: number; min: string; max: string }> {
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  try {
    const r = await db.runAndReadAll(
      `SELECT count(*)::VARCHAR AS n, count(DISTINCT id)::VARCHAR AS d, min(id)::VARCHAR AS lo, max(id)::VARCHAR AS hi FROM read_parquet('${path.join(folder, "*.parquet")}')`,
    );
    const row = r.getRowObjectsJS()[0] as { n: string; d: string; lo: string; hi: string };
    return { rows: Number(row.n), distinct: Number(row.d), min: row.lo, max: row.hi };
  } finally {
    db.closeSync();
  }
}

function start(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return run(args, cwd, env).done;
}

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, FORCE_COLOR: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<Result>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr, all: stdout + stderr })),
  );
  return { child, done };
}

/**
 * Starts `hygge` and calls `act` once `ready()` holds, polled every 20 ms while it runs (the
 * files it writes, not its output, say when); resolves with its result and whether `act` ran.
 */
async function hyggeWhen(
  args: string[],
  cwd: string,
  ready: () => boolean,
  act: (child: ChildProcess) => void,
): Promise<Result & { acted: boolean }> {
  const { child, done } = run(args, cwd);
  let finished = false;
  void done.then(() => (finished = true));
  let acted = false;
  while (!finished) {
    if (ready()) {
      act(child);
      acted = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { ...(await done), acted };
}

describe("entity claims", () => {
  test("two flows of one project run at the same time, and both publish their data", async () => {
    const dir = memoryProject({ ...TWO_FLOWS, ...SLOW });
    const claim = claimOf(dir, "slow.big");
    let second: Result | undefined;
    let firstStillRunning = false;
    const first = await hyggeWhen(
      ["go", "--flow", "slow"],
      dir,
      () => fs.existsSync(claim),
      () => {
        second = hygge(["go", "--flow", "stock"], { cwd: dir });
        firstStillRunning = fs.existsSync(claim);
      },
    );
    expect(first.acted).toBe(true);
    expect(second?.stderr).toBe("");
    expect(second?.code).toBe(0);
    expect(firstStillRunning).toBe(true); // the runs overlapped
    expect(first.code).toBe(0);
    expect((readJson(path.join(dir, "out", "products.json")) as unknown[]).length).toBe(3);
    const big = readJson(path.join(dir, "out", "big.json")) as { id: string }[];
    expect(big.length).toBe(200_000);
    expect(new Set(big.map((r) => r.id)).size).toBe(200_000);
    expect(claimsLeft(dir)).toEqual([]);
  }, 60_000);

  test("a second run of the same entity is refused, naming it and its holder; the first's data is intact", async () => {
    const dir = memoryProject({ ...TWO_FLOWS, ...SLOW });
    const claim = claimOf(dir, "slow.big");
    let second: Result | undefined;
    let holderPid: number | undefined;
    const first = await hyggeWhen(
      ["go", "--flow", "slow"],
      dir,
      () => fs.existsSync(claim) && fs.statSync(claim).size > 0,
      (child) => {
        holderPid = child.pid;
        second = hygge(["go"], { cwd: dir }); // every flow, slow.big among them
      },
    );
    expect(first.acted).toBe(true);
    expect(second?.code).toBe(1);
    expect(second?.stdout).toBe("");
    expect(second?.stderr).toContain(
      "[LOCKED] entity slow.big is being run by another hygge process; nothing was run",
    );
    expect(second?.stderr).toMatch(
      new RegExp(
        `slow\\.big: held by pid ${holderPid} on .*, started \\d{4}-\\d\\d-\\d\\dT.*: hygge go --flow slow`,
      ),
    );
    expect(second?.stderr).toContain("Wait for that run to finish, then run again.");
    expect(second?.stderr).toContain(
      "To run the others now, add -e sales.customers,sales.orders,stock.products to the same command",
    );
    // Refused whole: nothing of the other flows ran, and no claim of its own is left behind.
    expect(fs.existsSync(path.join(dir, "out", "products.json"))).toBe(false);
    expect(fs.existsSync(path.join(dir, ".hygge", "runs", "stock"))).toBe(false);
    expect(first.code).toBe(0);
    const big = readJson(path.join(dir, "out", "big.json")) as unknown[];
    expect(big.length).toBe(200_000);
    expect(claimsLeft(dir)).toEqual([]);
  }, 60_000);

  test("a run of flow b leaves flow a's in-flight staging alone, and a commits all of its data", async () => {
    const dir = memoryProject(LAKE);
    const bookA = path.join(dir, "lake", ".hygge", "big");
    let before: string[] = [];
    let after: string[] = [];
    let aStillRunning = false;
    let second: Result | undefined;
    const first = await hyggeWhen(
      ["go", "--flow", "a"],
      dir,
      // a has staged at least two files (20 000 rows each) and is still writing.
      () => fs.existsSync(bookA) && stagingOf(bookA).length === 1 && filesUnder(bookA).length >= 2,
      () => {
        before = filesUnder(bookA);
        second = hygge(["go", "--flow", "b"], { cwd: dir });
        after = filesUnder(bookA);
        aStillRunning = fs.existsSync(claimOf(dir, "a.big"));
      },
    );
    expect(aStillRunning).toBe(true); // else this proves nothing: make a slower
    expect(first.acted).toBe(true);
    expect(second?.code).toBe(0);
    expect(before.length).toBeGreaterThanOrEqual(2);
    // Everything a had staged is still there after b's run (b's start-up repair never looked at it).
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after[0]).toMatch(/^staging-/);
    expect(first.code).toBe(0);
    expect(await parquetIds(path.join(dir, "lake", "big"))).toEqual({
      rows: 200_000,
      distinct: 200_000,
      min: "0",
      max: "199999",
    });
    expect((await parquetIds(path.join(dir, "lake", "products"))).rows).toBe(3);
    expect(stagingOf(bookA)).toEqual([]);
    expect(claimsLeft(dir)).toEqual([]);
  }, 60_000);

  test("a claim left by a killed (-9) run is taken over, and its publish is repaired exactly once", async () => {
    const dir = memoryProject(LAKE);
    const claim = claimOf(dir, "inc.orders");
    const book = path.join(dir, "lake", ".hygge", "orders");
    // Killed right after its commit point: the intent is durable, nothing is published.
    const killed = hygge(["go", "--flow", "inc"], {
      cwd: dir,
      env: { HYGGE_FAULT_KILL_AT: "files:after-intent" },
    });
    expect(killed.code).toBe(null);
    const intent = readJson(path.join(book, "publish.json")) as { runId: string; files: string[] };
    expect(stagingOf(book)).toEqual([`staging-${intent.runId}`]);
    expect(fs.existsSync(path.join(dir, "lake", "orders"))).toBe(false);
    const dead = readJson(claim) as { pid: number };
    expect(dead.pid).toBeGreaterThan(0);

    // Three runs of the entity at once: each either runs (taking the dead run's claim over) or is
    // refused because another of them holds it; none fails otherwise.
    const results = await Promise.all([0, 1, 2].map(() => start(["go", "--flow", "inc"], dir)));
    for (const r of results) {
      if (r.code !== 0) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain("[LOCKED] entity inc.orders is being run by another hygge process");
        expect(r.stderr).not.toContain(`pid ${dead.pid} `);
      }
    }
    expect(results.filter((r) => r.code === 0).length).toBeGreaterThanOrEqual(1);
    // The committed run was published once: its 7 rows, each once; the next runs found nothing new.
    expect(await parquetIds(path.join(dir, "lake", "orders"))).toEqual({
      rows: 7,
      distinct: 7,
      min: "100",
      max: "106",
    });
    expect(fs.readdirSync(path.join(dir, "lake", "orders")).sort()).toEqual([...intent.files].sort());
    expect(fs.existsSync(path.join(book, "publish.json"))).toBe(false);
    expect(fs.readdirSync(book).filter((f) => /^(staging|trash)-/.test(f))).toEqual([]);
    const records = fs
      .readdirSync(path.join(dir, ".hygge", "runs", "inc", "orders"))
      .filter((f) => f.endsWith(".json"))
      .map(
        (f) =>
          readJson(path.join(dir, ".hygge", "runs", "inc", "orders", f)) as {
            runId: string;
            recovered?: boolean;
          },
      );
    expect(records.filter((r) => r.recovered)).toEqual([expect.objectContaining({ runId: intent.runId })]);
    expect(claimsLeft(dir)).toEqual([]);
  }, 60_000);
});
