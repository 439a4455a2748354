import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "@jest/globals";
import { faultSeed, seededRandom } from "./rng.js";
import { planTrial, runClean, runKilled } from "./trials.js";

export interface RowsSpec {
  startId: number;
  count: number;
  /** ts of the rows is base, base+1, base+2 repeating. */
  baseTs: number;
}

export interface Source {
  /** The `home:` block, YAML flow style. */
  homeYaml: string;
  add(entity: string, rows: RowsSpec): Promise<void>;
}

export interface DestinationState {
  n: number;
  distinctIds: number;
  minId: number | null;
  maxId: number | null;
  maxTs: number | null;
  /** Anything a reader of the published data could see that is not data (staging, temp files). */
  strays: string[];
}

export interface Destination {
  storeYaml: string;
  inspect(entity: string): Promise<DestinationState>;
}

export interface FaultSuite {
  label: string;
  plugins: string[];
  connectionsYaml?: string;
  points: readonly string[];
  trials: number;
  entities: string[];
  source(dir: string): Promise<Source>;
  destination(dir: string): Promise<Destination>;
  env?: Record<string, string>;
}

/**
 * Kills `hygge go` at random moments and named fault points, runs it again, and checks after each
 * completed run that every source row is in the destination exactly once, that readers see no
 * staging, and that the journal agrees with the destination.
 */
export async function runFaultSuite(suite: FaultSuite): Promise<void> {
  const seed = faultSeed(suite.label);
  const random = seededRandom(seed);
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
      "",
    ].join("\n"),
  );
  const state = Object.fromEntries(suite.entities.map((e) => [e, { nextId: 0, maxTs: 1000 }]));
  const addRows = async (entity: string, count: number) => {
    const s = state[entity]!;
    const baseTs = random() < 0.4 ? s.maxTs : s.maxTs + 1 + Math.floor(random() * 5);
    await source.add(entity, { startId: s.nextId, count, baseTs });
    s.nextId += count;
    s.maxTs = Math.max(s.maxTs, baseTs + Math.min(2, count - 1));
  };
  const check = async (trial: number, label: string) => {
    for (const entity of suite.entities) {
      const got = await destination.inspect(entity);
      const want = state[entity]!.nextId;
      expect({ trial, label, entity, ...got }).toEqual({
        trial,
        label,
        entity,
        n: want,
        distinctIds: want,
        minId: 0,
        maxId: want - 1,
        maxTs: state[entity]!.maxTs,
        strays: [],
      });
      const journalDir = path.join(dir, ".hygge", "runs", "copy", entity);
      const records = (await readdir(journalDir))
        .filter((f) => f.endsWith(".json") && !f.startsWith("."))
        .sort();
      const last = JSON.parse(await readFile(path.join(journalDir, records.at(-1)!), "utf8"));
      expect({ trial, entity, status: last.status, watermark: last.watermark?.value }).toEqual({
        trial,
        entity,
        status: "pass",
        watermark: String(state[entity]!.maxTs),
      });
    }
  };

  for (const e of suite.entities) await addRows(e, 500);
  const t0 = Date.now();
  await runClean(dir, "--incremental", suite.env);
  const typicalMs = Date.now() - t0;
  await check(0, "initial");
  let reallyKilled = 0;
  for (let trial = 1; trial <= suite.trials; trial++) {
    for (const e of suite.entities) if (random() < 0.7) await addRows(e, 1 + Math.floor(random() * 3000));
    const plan = planTrial(random, typicalMs, suite.points);
    const killed = await runKilled(dir, plan, suite.env);
    if (killed.killed) reallyKilled++;
    const label = `${plan.mode} ${JSON.stringify(plan.kill)} killed=${killed.killed} (seed ${seed})`;
    if (random() < 0.3) for (const e of suite.entities) await addRows(e, 1 + Math.floor(random() * 50));
    await runClean(dir, random() < 0.5 ? "--full-drop" : "--incremental", suite.env);
    await check(trial, label);
  }
  console.log(
    `[${suite.label}] ${suite.trials} trials, ${reallyKilled} runs killed before finishing (seed ${seed})`,
  );
  expect(reallyKilled).toBeGreaterThan(suite.trials / 4);
}
