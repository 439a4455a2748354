import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { acquireLock, FileJournal, runProject } from "@hygge/core";
import { batchOf, int64Vector, MemoryBackend, memoryPlugin } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { Int32, Int64, vectorFromArray } from "apache-arrow";

const tmp = () => mkdtemp(path.join(os.tmpdir(), "hygge-journal-"));
const rows = (ids: number[], ts: number[]) =>
  batchOf({ id: vectorFromArray(ids, new Int32()), ts: int64Vector(new Int64(), ts.map(BigInt)) });

describe("file journal", () => {
  it("records every entity run in its own small file, with watermark and schema", async () => {
    const dir = await tmp();
    const backend = new MemoryBackend();
    backend.put("src/a", [rows([1, 2], [10, 20])]);
    const journal = new FileJournal(dir);
    const project = {
      flows: {
        f: {
          home: { type: "memory", dataset: "src" },
          store: { type: "memory" },
          run_type: "incremental" as const,
          watermark: { watermark_column: "ts", primary_key: "id" },
          entities: ["a"],
        },
      },
    };
    await runProject({ plugins: [memoryPlugin(backend)], project, journal });
    backend.put("src/a", [rows([1, 2, 3], [10, 20, 30])]);
    await runProject({ plugins: [memoryPlugin(backend)], project, journal });
    const files = await readdir(path.join(dir, "runs", "f", "a"));
    expect(files.filter((f) => f.endsWith(".json"))).toHaveLength(2);
    const history = await journal.history("f.a");
    expect(history.map((r) => [r.status, r.rows, r.watermark?.value, r.since?.value])).toEqual([
      ["pass", 1, "30", "20"],
      ["pass", 2, "20", undefined],
    ]);
    expect(history[0]!.schemaFingerprint).toBe("id:Int32?,ts:Int64?");
    expect(history[0]!.watermarkColumn).toBe("ts");
  });

  it("keeps records small: key lists become counts; the full resume point lives in one file", async () => {
    const dir = await tmp();
    const backend = new MemoryBackend();
    const many = Array.from({ length: 500 }, (_, i) => i);
    backend.put("src/a", [
      rows(
        many,
        many.map(() => 7),
      ),
    ]);
    const journal = new FileJournal(dir);
    const project = {
      flows: {
        f: {
          home: { type: "memory", dataset: "src" },
          store: { type: "memory" },
          run_type: "incremental" as const,
          watermark: { watermark_column: "ts", primary_key: "id" },
          entities: ["a"],
        },
      },
    };
    await runProject({ plugins: [memoryPlugin(backend)], project, journal });
    backend.put("src/a", [rows([...many, 500], [...many.map(() => 7), 7])]);
    await runProject({ plugins: [memoryPlugin(backend)], project, journal });
    const [latest, first] = await journal.history("f.a");
    expect(first!.watermark).toEqual({ column: "ts", kind: "integer", value: "7", boundaryKeyCount: 500 });
    expect(latest!.since).toMatchObject({ boundaryKeyCount: 500 });
    expect(latest!.watermark).toMatchObject({ boundaryKeyCount: 501 });
    expect(JSON.stringify([latest, first])).not.toContain("boundaryKeys");
    const run = { flow: "f", entity: "a" } as Parameters<FileJournal["lastWatermark"]>[0];
    expect((await journal.lastWatermark(run))?.boundaryKeys).toHaveLength(501);
    // Without the resume file, a record's keys are unknown: the boundary value is read again,
    // which a merge run upserts and an incremental run refuses (never a silent loss or duplicate).
    await rm(path.join(dir, "runs", "f", "a", "resume-point"));
    expect(await journal.lastWatermark(run)).toEqual({
      column: "ts",
      kind: "integer",
      value: "7",
      rereadBoundary: true,
    });
  });

  it("reconciles with the store: a run the store published but the journal missed is recorded", async () => {
    const dir = await tmp();
    const backend = new MemoryBackend();
    backend.put("src/a", [rows([1], [10])]);
    const project = {
      flows: {
        f: {
          home: { type: "memory", dataset: "src" },
          store: { type: "memory" },
          run_type: "incremental" as const,
          watermark: { watermark_column: "ts", primary_key: "id" },
          entities: ["a"],
        },
      },
    };
    // First run without a journal: as if the process died after the store committed.
    await runProject({ plugins: [memoryPlugin(backend)], project });
    const journal = new FileJournal(dir);
    await runProject({ plugins: [memoryPlugin(backend)], project, journal });
    const history = await journal.history();
    expect(history.map((r) => [r.recovered ?? false, r.watermark?.value])).toEqual(
      expect.arrayContaining([
        [true, "10"],
        [false, "10"],
      ]),
    );
  });

  it("records failures with the error code and a redacted message", async () => {
    const dir = await tmp();
    const backend = new MemoryBackend();
    backend.put("src/a", [rows([1], [10])]);
    const journal = new FileJournal(dir, (t) => t.replace("configured", "***"));
    await runProject({
      plugins: [memoryPlugin(backend)],
      project: {
        flows: {
          f: {
            home: { type: "memory", dataset: "src", fail_after_batches: 0 },
            store: { type: "memory" },
            entities: ["a"],
          },
        },
      },
      journal,
    });
    const [record] = await journal.history();
    expect(record).toMatchObject({ status: "fail", error: { code: "HOME_READ_FAILED" } });
    expect(record!.error!.message).toContain("(as ***)");
  });
});

describe("project lock", () => {
  it("refuses a second holder, naming the first, and can be taken again after release", async () => {
    const dir = await tmp();
    const lock = await acquireLock(dir, "hygge go");
    await expect(acquireLock(dir)).rejects.toMatchObject({
      code: "LOCKED",
      message: expect.stringContaining(`pid ${process.pid}`),
    });
    await lock.release();
    const again = await acquireLock(dir);
    await again.release();
  });

  it("is refused while another live process holds it", async () => {
    const dir = await tmp();
    const code = `import('@hygge/core').then(async ({acquireLock}) => { await acquireLock(${JSON.stringify(dir)}, 'child'); console.log('locked'); setTimeout(() => {}, 60000); })`;
    const child = spawn(process.execPath, ["-e", code], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => String(d).includes("locked") && resolve()),
    );
    try {
      await expect(acquireLock(dir)).rejects.toMatchObject({
        code: "LOCKED",
        message: expect.stringContaining(`pid ${child.pid}`),
      });
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("when many processes race over a dead holder's lock, at most one holds it at a time", async () => {
    const dead = Number(
      spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" }).stdout.trim(),
    );
    for (let round = 0; round < 5; round++) {
      const dir = await tmp();
      await writeFile(
        path.join(dir, "lock"),
        JSON.stringify({ pid: dead, host: os.hostname(), startedAt: "2020-01-01T00:00:00Z" }),
      );
      const code = `import('@hygge/core').then(async ({ acquireLock }) => {
        try {
          const lock = await acquireLock(${JSON.stringify(dir)});
          const start = Date.now();
          await new Promise((r) => setTimeout(r, 300));
          console.log(JSON.stringify({ start, end: Date.now() }));
          await lock.release();
        } catch (e) { console.log(JSON.stringify({ refused: e.code })); }
      })`;
      const children = Array.from(
        { length: 6 },
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, ["-e", code], {
              cwd: process.cwd(),
              stdio: ["ignore", "pipe", "inherit"],
            });
            let out = "";
            child.stdout.on("data", (d) => (out += d));
            child.on("close", () => resolve(out.trim()));
          }),
      );
      const results = (await Promise.all(children)).map(
        (o) => JSON.parse(o) as { start?: number; end?: number; refused?: string },
      );
      const held = results.filter((r) => r.start !== undefined).sort((a, b) => a.start! - b.start!);
      expect(held.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < held.length; i++) expect(held[i]!.start!).toBeGreaterThanOrEqual(held[i - 1]!.end!);
      expect(results.filter((r) => r.refused).every((r) => r.refused === "LOCKED")).toBe(true);
    }
  });

  it("takes over a stale lock whose process died", async () => {
    const dir = await tmp();
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const pid = Number(dead.stdout.trim());
    await writeFile(
      path.join(dir, "lock"),
      JSON.stringify({ pid, host: os.hostname(), startedAt: "2020-01-01T00:00:00Z" }),
    );
    const lock = await acquireLock(dir);
    expect(JSON.parse(await readFile(path.join(dir, "lock"), "utf8")).pid).toBe(process.pid);
    await lock.release();
  });
});
