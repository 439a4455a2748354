import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "@jest/globals";
import type { FaultSuite } from "./fault-harness.js";

/** What the source holds for one entity: ids 0..nextId-1, their largest ts and the sum of their ts. */
interface EntityModel {
  nextId: number;
  maxTs: number;
  sumTs: number;
}

/**
 * A fault-suite project: the source, the destination, a model of what the source holds, and the
 * checks of the destination against it.
 */
export async function faultProject(suite: FaultSuite, random: () => number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "hygge-fault-"));
  const source = await suite.source(dir);
  const destination = await suite.destination(dir);
  await writeFile(
    path.join(dir, "hygge.yml"),
    `name: fault\nplugins: [${suite.plugins.join(", ")}]\noptions:\n  concurrency: 2\n  retries: 0\n${suite.connectionsYaml ?? ""}`,
  );
  await mkdir(path.join(dir, "flows", "copy"), { recursive: true });
  await writeFile(
    path.join(dir, "flows", "copy", "flow.yml"),
    [
      `home: ${source.homeYaml}`,
      `store: ${destination.storeYaml}`,
      "run_type: incremental",
      "watermark: { watermark_column: ts, primary_key: id }",
      `entities: [${suite.entities.join(", ")}]`,
      ...(suite.flowLines ?? []),
      "",
    ].join("\n"),
  );
  const model: Record<string, EntityModel> = Object.fromEntries(
    suite.entities.map((e) => [e, { nextId: 0, maxTs: 1000, sumTs: 0 }]),
  );
  /** Rows per entity the last completed run was checked to have published. */
  const published: Record<string, number> = Object.fromEntries(suite.entities.map((e) => [e, 0]));

  /**
   * Adds `count` rows with ts base, base+1, base+2 repeating; with probability `boundaryShare` base is
   * the largest ts so far, so new rows share the committed watermark's value with rows already loaded.
   */
  const addRows = async (entity: string, count: number, boundaryShare = 0.4) => {
    const s = model[entity]!;
    const baseTs = random() < boundaryShare ? s.maxTs : s.maxTs + 1 + Math.floor(random() * 5);
    await source.add(entity, { startId: s.nextId, count, baseTs });
    for (let i = 0; i < count; i++) s.sumTs += baseTs + (i % 3);
    s.nextId += count;
    s.maxTs = Math.max(s.maxTs, baseTs + Math.min(2, count - 1));
  };

  /** After a completed run: every source row exactly once, unchanged, no staging visible, journal agrees. */
  const checkExactlyOnce = async (trial: number, label: string) => {
    for (const entity of suite.entities) {
      const got = await destination.inspect(entity);
      const want = model[entity]!;
      expect({ trial, label, entity, ...got }).toEqual({
        trial,
        label,
        entity,
        n: want.nextId,
        distinctIds: want.nextId,
        minId: 0,
        maxId: want.nextId - 1,
        maxTs: want.maxTs,
        sumTs: want.sumTs,
        badPayloads: 0,
        below: 0,
        strays: [],
      });
      const journalDir = path.join(dir, ".hygge", "runs", "copy", entity);
      const records = (await readdir(journalDir))
        .filter((f) => f.endsWith(".json") && !f.startsWith("."))
        .sort();
      const last = JSON.parse(await readFile(path.join(journalDir, records.at(-1)!), "utf8"));
      expect({ trial, label, entity, status: last.status, watermark: last.watermark?.value }).toEqual({
        trial,
        label,
        entity,
        status: "pass",
        watermark: String(want.maxTs),
      });
      published[entity] = want.nextId;
    }
  };

  /**
   * After a killed incremental run, before any other run: the run may or may not have published its
   * rows, but readers see every row published before it (an incremental run adds to the destination
   * without touching what is there, ARCHITECTURE.md §4), no row twice, no row the source does not
   * hold, no changed value and no staging.
   */
  const checkAfterKill = async (trial: number, label: string) => {
    for (const entity of suite.entities) {
      const got = await destination.inspect(entity, published[entity]);
      const want = model[entity]!;
      // In the publish gap readers see no folder at all (never a part of a run): the rows are not
      // lost, the next run finishes the publish, and checkExactlyOnce proves it after that run.
      const visibleBefore = got.publishGap ? published[entity] : got.below;
      expect({
        trial,
        label,
        entity,
        publishedBeforeStillThere: visibleBefore,
        duplicates: got.n - got.distinctIds,
        outsideSource: got.n > 0 && (got.minId! < 0 || got.maxId! >= want.nextId),
        badPayloads: got.badPayloads,
        strays: got.strays,
      }).toEqual({
        trial,
        label,
        entity,
        publishedBeforeStillThere: published[entity],
        duplicates: 0,
        outsideSource: false,
        badPayloads: 0,
        strays: [],
      });
    }
  };

  /** Removes the project folder (after a passing suite; a failing one leaves it for inspection). */
  const remove = () => rm(dir, { recursive: true, force: true });

  return { dir, addRows, checkExactlyOnce, checkAfterKill, remove };
}
