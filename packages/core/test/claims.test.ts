import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { claimEntities, claimFile, type HeldElsewhere, isHyggeError } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";

const CORE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/index.js");
const tmp = () => mkdtemp(path.join(os.tmpdir(), "hygge-claims-"));
const t = (flow: string, entity?: string) => ({ id: entity ? `${flow}.${entity}` : flow, flow, entity });

describe("entity claims", () => {
  it("names one file per (flow, entity), never the same for two pairs", async () => {
    const dir = await tmp();
    const files = [t("a", "b.c"), t("a", "b"), t("a"), t("a", "lock"), t("a_b", "c")].map((x) =>
      path.relative(dir, claimFile(dir, x)),
    );
    expect(files).toEqual([
      "locks/a.b.c.lock",
      "locks/a.b.lock",
      "locks/a.lock",
      "locks/a.lock.lock",
      "locks/a_b.c.lock",
    ]);
    // A name that would leave the folder (never valid config) is encoded, not followed.
    expect(path.relative(dir, claimFile(dir, t("..", "../x")))).toBe("locks/%2e%2e.%2e.%2fx.lock");
    await rm(dir, { recursive: true });
  });

  it("claims every entity or none: one held entity refuses the run and releases the rest", async () => {
    const dir = await tmp();
    const first = await claimEntities(dir, [t("a", "x")], { command: "hygge go -f a" });
    let error: unknown;
    try {
      await claimEntities(dir, [t("b", "y"), t("a", "x"), t("b", "z")], { command: "hygge go" });
    } catch (e) {
      error = e;
    }
    expect(isHyggeError(error) && error.code).toBe("LOCKED");
    const e = error as Error & { hint?: string; details?: { held: HeldElsewhere[] } };
    expect(e.message).toMatch(
      /^entity a\.x is being run by another hygge process; nothing was run\n {2}a\.x: held by pid \d+ on .*, started .*: hygge go -f a$/,
    );
    expect(e.hint).toBe(
      "Wait for that run to finish, then run again. To run the others now, add -e b.y,b.z to the same command (its other options kept)",
    );
    expect(e.details?.held.map((h) => [h.id, h.holder.command, h.verified])).toEqual([
      ["a.x", "hygge go -f a", true],
    ]);
    // The refused call left no claim of its own behind.
    expect((await readdir(path.join(dir, "locks"))).sort()).toEqual(["a.x.lock"]);
    await first.release();
    const again = await claimEntities(dir, [t("b", "y"), t("a", "x"), t("b", "z")]);
    expect((await readdir(path.join(dir, "locks"))).sort()).toEqual(["a.x.lock", "b.y.lock", "b.z.lock"]);
    await again.release();
    expect(await readdir(path.join(dir, "locks"))).toEqual([]);
    await rm(dir, { recursive: true });
  });

  it("lists every held entity, and says how a holder known only by its heartbeat is judged", async () => {
    const dir = await tmp();
    const mine = await claimEntities(dir, [t("a", "x")], { command: "one" });
    // A claim from another host: only its heartbeat can tell whether it is alive.
    await writeFile(
      claimFile(dir, t("b", "y")),
      JSON.stringify({ pid: 7, host: "elsewhere", startedAt: "2026-01-01T00:00:00Z", command: "two" }),
    );
    const error = await claimEntities(dir, [t("a", "x"), t("b", "y"), t("c", "z")]).catch((e: unknown) => e);
    const e = error as Error & { hint?: string };
    expect(e.message).toContain("2 entities are being run by another hygge process; nothing was run");
    expect(e.message).toMatch(
      / {2}a\.x: held by pid \d+ .*: one\n {2}b\.y: held by pid 7 on elsewhere, started 2026-01-01T00:00:00Z: two$/,
    );
    expect(e.hint).toMatch(
      /To run the others now, add -e c\.z to the same command \(its other options kept\) b\.y: Its last heartbeat was [\d.]+ s ago/,
    );
    await mine.release();
    await rm(dir, { recursive: true });
  });

  it("reports each lost claim once, with its entity", async () => {
    const dir = await tmp();
    const lost: string[] = [];
    const held = await claimEntities(dir, [t("a", "x"), t("a", "y")], {
      heartbeatMs: 20,
      staleMs: 60,
      onLost: (target, _file, reason) => lost.push(`${target.id}: ${reason}`),
    });
    await rm(claimFile(dir, t("a", "y")));
    await new Promise((r) => setTimeout(r, 150));
    expect(lost).toEqual([expect.stringMatching(/^a\.y: .*a\.y\.lock was removed$/)]);
    expect(held.lost("a.y")).toBe(true);
    expect(held.lost("a.x")).toBe(false);
    await held.release();
    await rm(dir, { recursive: true });
  });

  it("of two runs started together that want the same entities, one always gets them all", async () => {
    // Each child claims the same 64 entities at the same instant and prints ok or refused.
    const script = `const { claimEntities } = await import(${JSON.stringify(CORE)});
      const [dir, at] = process.argv.slice(1);
      const targets = Array.from({ length: 64 }, (_, i) => ({ id: "f.e" + String(i).padStart(3, "0"), flow: "f", entity: "e" + String(i).padStart(3, "0") }));
      await new Promise((r) => setTimeout(r, Number(at) - Date.now()));
      try { const held = await claimEntities(dir, targets); console.log("ok"); await new Promise((r) => setTimeout(r, 1500)); await held.release(); }
      catch (e) { console.log(e.code === "LOCKED" ? "refused" : "error " + e.message); }`;
    const child = (dir: string, at: number) =>
      new Promise<string>((resolve) => {
        const p = spawn(process.execPath, ["--input-type=module", "-e", script, dir, String(at)]);
        let out = "";
        p.stdout.on("data", (d) => (out += d));
        p.stderr.on("data", (d) => (out += d));
        p.on("close", () => resolve(out.trim()));
      });
    for (let trial = 0; trial < 5; trial++) {
      const dir = await tmp();
      const at = Date.now() + 2000; // both children are up by then, even on a loaded machine
      const results = (await Promise.all([child(dir, at), child(dir, at)])).sort();
      expect(results).toEqual(["ok", "refused"]);
      expect(await readdir(path.join(dir, "locks"))).toEqual([]);
      await rm(dir, { recursive: true });
    }
  });
});
