import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { acquireLock, acquireLockFile } from "@hygge/core";
import { describe, expect, it, jest } from "@jest/globals";

const tmp = () => mkdtemp(path.join(os.tmpdir(), "hygge-lock-"));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const procFile = (p: string) => {
  try {
    return readFileSync(p, "utf8").trim();
  } catch {
    return undefined;
  }
};
/** What this process would write about itself, so a test can forge a lock "left by" a look-alike. */
const identity = () => ({
  pid: process.pid,
  host: os.hostname(),
  boot: procFile("/proc/sys/kernel/random/boot_id"),
});
const ago = async (file: string, ms: number) => {
  const t = new Date(Date.now() - ms);
  await utimes(file, t, t);
};

/** A child process holding `file` with a fast heartbeat; resolves once it holds it. */
function holder(file: string, options: object): Promise<ChildProcess> {
  const code = `import('@hygge/core').then(async ({ acquireLockFile }) => {
    await acquireLockFile(${JSON.stringify(file)}, ${JSON.stringify({ command: "child", ...options })});
    console.log('locked');
    setInterval(() => {}, 1000);
  })`;
  const child = spawn(process.execPath, ["-e", code], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve) =>
    child.stdout!.on("data", (d) => String(d).includes("locked") && resolve(child)),
  );
}

describe("lock liveness does not rest on the pid alone", () => {
  it("a lock left by a killed run with our own pid (hygge as pid 1 in a restarted container) is taken over", async () => {
    const dir = await tmp();
    const file = path.join(dir, "lock");
    // Same pid, same host, a token this process never held: the old lock treated it as alive forever.
    await writeFile(
      file,
      JSON.stringify({ ...identity(), startedAt: "2020-01-01T00:00:00Z", token: "killed-run" }),
    );
    const lock = await acquireLock(dir, "hygge go");
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ pid: process.pid, command: "hygge go" });
    await lock.release();
  });

  it("a holder in another pid namespace is judged by its heartbeat: stale is taken over, fresh is respected", async () => {
    const dir = await tmp();
    const file = path.join(dir, "lock");
    // Another container on this host: its pid 1 (here: our pid) says nothing about it.
    const other = { ...identity(), pidns: "pid:[1]", startedAt: "2020-01-01T00:00:00Z", token: "other" };
    await writeFile(file, JSON.stringify(other));
    await expect(acquireLock(dir)).rejects.toMatchObject({
      code: "LOCKED",
      message: expect.stringContaining(`pid ${process.pid} on ${os.hostname()}`),
      hint: expect.stringMatching(
        /last heartbeat was [\d.]+ s ago; .* taken over once its heartbeat is 30 s old/,
      ),
    });
    await ago(file, 31_000);
    const lock = await acquireLock(dir);
    expect(JSON.parse(await readFile(file, "utf8")).token).not.toBe("other");
    await lock.release();
  });

  it("a live holder in another process keeps its heartbeat and is respected until it dies", async () => {
    const dir = await tmp();
    const file = path.join(dir, "lock");
    const child = await holder(file, { heartbeatMs: 100, staleMs: 1500 });
    try {
      // Make it look like a holder this process cannot check (another container): only its heartbeat counts.
      const info = JSON.parse(await readFile(file, "utf8"));
      await writeFile(file, JSON.stringify({ ...info, pidns: "pid:[elsewhere]" }));
      await ago(file, 10_000);
      let moved = 0;
      for (let i = 0; i < 40 && !moved; i++) {
        await sleep(50);
        moved = Date.now() - (await stat(file)).mtimeMs < 5_000 ? 1 : 0;
      }
      expect(moved).toBe(1); // the child refreshed the mtime
      await expect(acquireLockFile(file)).rejects.toMatchObject({
        code: "LOCKED",
        message: expect.stringContaining("child"),
      });
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
      // Just killed: its heartbeat is still fresh, the lock is still respected...
      await expect(acquireLockFile(file)).rejects.toMatchObject({ code: "LOCKED" });
      // ...until the heartbeat is older than the holder's staleMs.
      await sleep(1_700);
      const lock = await acquireLockFile(file);
      expect(JSON.parse(await readFile(file, "utf8")).pid).toBe(process.pid);
      await lock.release();
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("the heartbeat timer keeps no process alive, and stops on release", async () => {
    const dir = await tmp();
    const code = `import('@hygge/core').then(async ({ acquireLock }) => { await acquireLock(${JSON.stringify(dir)}, 'x', { heartbeatMs: 50 }); console.log('held'); })`;
    const child = spawn(process.execPath, ["-e", code], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const exit = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect([out.trim(), exit]).toEqual(["held", 0]);

    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    try {
      const before = jest.getTimerCount();
      const lock = await acquireLock(await tmp(), "y", { heartbeatMs: 50 });
      expect(jest.getTimerCount()).toBe(before + 1);
      await lock.release();
      expect(jest.getTimerCount()).toBe(before);
    } finally {
      jest.useRealTimers();
    }
  });

  it("a holder whose lock file disappears learns it lost the lock", async () => {
    const dir = await tmp();
    const reasons: string[] = [];
    const lock = await acquireLock(dir, "z", { heartbeatMs: 30, onLost: (r) => reasons.push(r) });
    await rm(path.join(dir, "lock"));
    for (let i = 0; i < 100 && !lock.lost; i++) await sleep(20);
    expect(lock.lost).toBe(true);
    expect(reasons).toEqual([expect.stringContaining("was removed")]);
    await lock.release();
  });

  it("a slow process that saw the dead holder never moves aside the lock another process just took", async () => {
    const { acquireLockFile: acquireHere, takeOver } = await import("../src/journal/lock.js");
    const file = path.join(await tmp(), "lock");
    const dead = { ...identity(), startedAt: "2020-01-01T00:00:00Z", token: "dead" };
    await writeFile(file, JSON.stringify(dead));
    // Meanwhile a faster process cleared it and took the lock...
    await rm(file);
    const fresh = await acquireHere(file, { command: "fresh" });
    // ...and only now does the slow one act on what it saw.
    await takeOver(file, dead, 30_000);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ command: "fresh" });
    expect(fresh.lost).toBe(false);
    await fresh.release();
  });

  it("processes racing over a stale-heartbeat lock take it one at a time", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = await tmp();
      const file = path.join(dir, "lock");
      await writeFile(
        file,
        JSON.stringify({ pid: 1, host: os.hostname(), pidns: "pid:[1]", startedAt: "2020-01-01T00:00:00Z" }),
      );
      await ago(file, 60_000);
      const code = `import('@hygge/core').then(async ({ acquireLock }) => {
        try {
          const lock = await acquireLock(${JSON.stringify(dir)});
          const start = Date.now();
          await new Promise((r) => setTimeout(r, 300));
          console.log(JSON.stringify({ start, end: Date.now() }));
          await lock.release();
        } catch (e) { console.log(JSON.stringify({ refused: e.code })); }
      })`;
      const results = await Promise.all(
        Array.from(
          { length: 5 },
          () =>
            new Promise<{ start?: number; end?: number; refused?: string }>((resolve) => {
              const child = spawn(process.execPath, ["-e", code], {
                cwd: process.cwd(),
                stdio: ["ignore", "pipe", "inherit"],
              });
              let out = "";
              child.stdout.on("data", (d) => (out += d));
              child.on("close", () => resolve(JSON.parse(out.trim())));
            }),
        ),
      );
      const held = results.filter((r) => r.start !== undefined).sort((a, b) => a.start! - b.start!);
      expect(held.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < held.length; i++) expect(held[i]!.start!).toBeGreaterThanOrEqual(held[i - 1]!.end!);
      expect(results.filter((r) => r.refused).map((r) => r.refused)).toEqual(
        results.filter((r) => r.refused).map(() => "LOCKED"),
      );
    }
  });

  it("a lock file for any path (not only the project's) works the same way", async () => {
    const file = path.join(await tmp(), "entity.claim");
    const lock = await acquireLockFile(file, { what: "entity sales.orders" });
    await expect(acquireLockFile(file, { what: "entity sales.orders" })).rejects.toMatchObject({
      message: expect.stringContaining("another hygge run holds entity sales.orders"),
    });
    await lock.release();
    await (await acquireLockFile(file)).release();
  });
});
